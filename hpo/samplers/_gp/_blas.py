"""BLAS on one thread around Gaussian-process work on small matrices."""

from __future__ import annotations

import contextlib
import functools
from typing import Any


@functools.cache
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def single_threaded_blas() -> contextlib.AbstractContextManager[Any]:
    """Run BLAS on one thread: on matrices of a few hundred rows, threads only add waiting.

    Uses ``threadpoolctl`` when it is installed; otherwise does nothing.
    """
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")

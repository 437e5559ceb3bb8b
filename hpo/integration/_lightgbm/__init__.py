"""LightGBM support: the pruning callback and the stepwise tuner.

Loaded through :mod:`hpo.integration.lightgbm`; importing this package needs LightGBM.
"""

from __future__ import annotations

try:
    import lightgbm  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised with the library hidden
    raise ImportError(
        'hpo.integration.lightgbm needs LightGBM: pip install "hpo[lightgbm]"'
    ) from error

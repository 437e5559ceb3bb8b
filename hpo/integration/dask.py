"""Run a study's trials on the workers of a Dask cluster.

:func:`optimize` runs ``n_trials`` trials of an objective on the workers of a
``distributed.Client``; every worker writes to the study's shared storage (a PostgreSQL or
SQLite URL, a journal file, or a :class:`DaskStorage` kept by the scheduler). A worker that
dies mid-trial loses nothing: its trial is failed, retried with the same parameters, and the
study still gets ``n_trials`` trials besides the failed one::

    from distributed import Client, LocalCluster
    import hpo
    from hpo.integration import dask as hpo_dask

    client = Client(LocalCluster(n_workers=4, threads_per_worker=1))
    study = hpo.create_study(storage="sqlite:///study.db")
    hpo_dask.optimize(study, objective, n_trials=200, client=client)

Dask is an optional dependency: ``pip install "hpo[dask]"``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable

from hpo.integration._dask._storage import DaskStorage
from hpo.integration._dask._tasks import forget_run, run_slot
from hpo.storages import InMemoryStorage
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial

try:
    import cloudpickle
    import distributed
except ImportError as e:  # pragma: no cover - exercised only without dask
    raise ImportError(
        'hpo.integration.dask needs dask.distributed: pip install "hpo[dask]".'
    ) from e

__all__ = ["DaskStorage", "optimize"]


def _check_shared_storage(study: Study) -> None:
    storage = study._storage
    if isinstance(storage, InMemoryStorage):
        raise ValueError(
            "The study is kept in this process's memory, which Dask workers cannot reach: "
            "create it with a database URL, a JournalStorage, or "
            "storage=hpo.integration.dask.DaskStorage()."
        )
    url = getattr(storage, "url", None)
    if isinstance(url, str) and (url in ("sqlite://", "sqlite:///:memory:")):
        raise ValueError(f"The study's storage {url!r} is an in-memory SQLite database.")


def _catch_types(catch: Iterable[type[Exception]] | type[Exception]) -> tuple[type, ...]:
    types = (catch,) if isinstance(catch, type) else tuple(catch)
    for item in types:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise TypeError(f"catch must hold exception classes, got {item!r}.")
    return types


def optimize(
    study: Study,
    func: Callable[[Trial], float | Iterable[float]],
    n_trials: int,
    *,
    client: distributed.Client | None = None,
    timeout: float | None = None,
    catch: Iterable[type[Exception]] | type[Exception] = (),
    callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None = None,
) -> None:
    """Run ``n_trials`` trials of ``func`` on the workers of a Dask cluster.

    Each trial is one Dask task. Workers run as many trials at once as they have threads; a
    worker opens the study's storage once and samples with its own reseeded copy of the
    sampler. If a worker dies mid-trial, Dask runs the task again on another worker, which
    marks the dead worker's trial FAIL, re-enqueues its parameters (with the storage's
    ``failed_trial_callback``, or :class:`hpo.storages.RetryFailedTrialCallback` with
    ``max_retry=3``) and runs a trial in its place. Trials of dead workers of other kinds of
    runs are found by the storage's heartbeats, when it has them.

    Parameters
    ----------
    study:
        The study; its storage must be reachable from the workers: a PostgreSQL or SQLite URL
        (a file every worker can open), a journal file, or a :class:`DaskStorage`.
    func:
        The objective, pickled to the workers with cloudpickle.
    n_trials:
        How many trials to run (trials failed because their worker died come on top).
    client:
        The Dask client; the current one (``distributed.get_client()``) by default.
    timeout:
        Seconds after which no new trial starts; running trials finish.
    catch:
        Exception types of the objective that fail the trial without stopping the run.
    callbacks:
        Called on the worker with ``(study, frozen_trial)`` after each trial.

    Raises
    ------
    TypeError
        If ``study`` is not a Study, ``func`` is not callable or ``catch`` holds a non-class.
    ValueError
        If ``n_trials`` is not a positive int, ``timeout`` is negative, the study lives in
        process memory, or there is no Dask client.
    Exception
        The first exception an objective raised that is not in ``catch``; the trials not yet
        started are cancelled.

    Examples
    --------
    >>> study = hpo.create_study(storage="sqlite:///study.db")  # doctest: +SKIP
    >>> optimize(study, objective, n_trials=100, client=client)  # doctest: +SKIP
    """
    if not isinstance(study, Study):
        raise TypeError(f"study must be an hpo.Study, got {study!r}.")
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}.")
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"n_trials must be a positive int, got {n_trials!r}.")
    if timeout is not None and not timeout >= 0:
        raise ValueError(f"timeout must be >= 0 or None, got {timeout!r}.")
    catch_types = _catch_types(catch)
    _check_shared_storage(study)
    if client is None:
        try:
            client = distributed.get_client()
        except ValueError:
            raise ValueError(
                "No Dask client: pass client= or create a distributed.Client first."
            ) from None

    run_id = uuid.uuid4().hex
    payload = cloudpickle.dumps((study, func, catch_types, list(callbacks or ())))
    deadline = None if timeout is None else time.time() + timeout
    payload_future = client.scatter(payload, broadcast=True)
    futures = client.map(
        run_slot,
        [run_id] * n_trials,
        [payload_future] * n_trials,
        range(n_trials),
        [deadline] * n_trials,
        pure=False,
    )
    try:
        for future in distributed.as_completed(futures):
            error = future.exception()
            if error is not None:
                raise error
    finally:
        client.cancel(futures)
        client.run(forget_run, run_id)

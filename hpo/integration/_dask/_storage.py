"""DaskStorage: one storage kept by the Dask scheduler, used by the client and every worker.

The real storage (in memory by default) lives in the scheduler process under a name. Each
method call of a :class:`DaskStorage` runs there through ``Client.run_on_scheduler``, one at a
time on the scheduler's event loop, so the client and all workers see one study. Pickled to a
worker, a DaskStorage reconnects by name through the worker's client.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Container, Iterable
from typing import Any

from hpo.storages import BaseStorage, get_storage
from hpo.trial import FrozenTrial, TrialState

try:
    import distributed
except ImportError as e:  # pragma: no cover - exercised only without dask
    raise ImportError(
        'hpo.integration.dask needs dask.distributed: pip install "hpo[dask]".'
    ) from e

# The storages this process keeps as a scheduler, by name.
_SCHEDULER_STORAGES: dict[str, BaseStorage] = {}


def _register(name: str, storage: Any, dask_scheduler: Any = None) -> None:
    # A name registered before keeps its storage: a second DaskStorage(name=...) connects.
    if name not in _SCHEDULER_STORAGES:
        _SCHEDULER_STORAGES[name] = get_storage(storage)


def _is_registered(name: str, dask_scheduler: Any = None) -> bool:
    return name in _SCHEDULER_STORAGES


def _call(
    name: str,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    dask_scheduler: Any = None,
) -> Any:
    try:
        storage = _SCHEDULER_STORAGES[name]
    except KeyError:
        raise LookupError(
            f"No DaskStorage named {name!r} is registered on the scheduler."
        ) from None
    return getattr(storage, method)(*args, **kwargs)


def _get_trials_except(
    name: str, study_id: int, known_ids: Iterable[int], dask_scheduler: Any = None
) -> list[FrozenTrial]:
    # The trials the caller has not cached: unfinished ones, and those finished since.
    known = set(known_ids)
    trials = _SCHEDULER_STORAGES[name].get_all_trials(study_id, deepcopy=False)
    return [t._copy(deep=True) for t in trials if t._trial_id not in known]


def _get_base_class_name(name: str, dask_scheduler: Any = None) -> str:
    return type(_SCHEDULER_STORAGES[name]).__name__


def _forwarded(method: str) -> Callable[..., Any]:
    def call(self: DaskStorage, *args: Any, **kwargs: Any) -> Any:
        return self._run(method, args, kwargs)

    call.__name__ = call.__qualname__ = method
    call.__doc__ = f"Run the storage's ``{method}`` on the scheduler and return its result."
    return call


def _reconnect(name: str) -> DaskStorage:
    return DaskStorage(name=name, register=False)


class DaskStorage(BaseStorage):
    """A storage kept by the scheduler of a Dask cluster and shared by all its workers.

    The storage object lives in the scheduler process; the client and every worker reach it
    through the scheduler, so an in-memory study can be optimized by the whole cluster
    (:func:`hpo.integration.dask.optimize`). Every call is one round trip to the scheduler.

    Parameters
    ----------
    storage:
        What the scheduler keeps: ``None`` for a new in-memory storage, a database URL, or a
        storage object (pickled to the scheduler).
    name:
        The name the scheduler keeps the storage under; a unique one by default. A
        DaskStorage created with the name of a registered storage uses that storage.
    client:
        The Dask client; the current one (``distributed.get_client()``) by default.
    register:
        Register ``storage`` on the scheduler now. ``False`` connects to the storage
        registered as ``name``.

    Raises
    ------
    ValueError
        If there is no Dask client, or ``register=False`` and no storage is registered
        under ``name``.
    TypeError
        If ``storage`` is none of the accepted kinds.

    Examples
    --------
    >>> from distributed import Client  # doctest: +SKIP
    >>> client = Client()  # doctest: +SKIP
    >>> study = hpo.create_study(storage=DaskStorage())  # doctest: +SKIP
    """

    def __init__(
        self,
        storage: str | BaseStorage | None = None,
        name: str | None = None,
        client: distributed.Client | None = None,
        register: bool = True,
    ) -> None:
        if storage is not None and not isinstance(storage, (str, BaseStorage)):
            raise TypeError(
                f"storage must be None, a database URL or a BaseStorage, got {storage!r}."
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None, got {name!r}.")
        if client is None:
            try:
                client = distributed.get_client()
            except ValueError:
                raise ValueError(
                    "DaskStorage needs a Dask client: pass client= or create a "
                    "distributed.Client first."
                ) from None
        self.client = client
        self.name = name if name is not None else f"hpo-storage-{uuid.uuid4().hex}"
        # Finished trials never change: each process keeps them, by study and trial id, and
        # asks the scheduler only for the others.
        self._finished: dict[int, dict[int, FrozenTrial]] = {}
        self._lock = threading.Lock()
        if register:
            client.run_on_scheduler(_register, self.name, storage)
        elif not client.run_on_scheduler(_is_registered, self.name):
            raise ValueError(f"No DaskStorage named {self.name!r} is registered on the scheduler.")

    def _run(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return self.client.run_on_scheduler(_call, self.name, method, args, kwargs)

    def __reduce__(self) -> tuple[Callable[[str], DaskStorage], tuple[str]]:
        # On a worker, reconnect by name through that worker's client.
        return _reconnect, (self.name,)

    def get_base_storage_name(self) -> str:
        """Return the class name of the storage the scheduler keeps."""
        return str(self.client.run_on_scheduler(_get_base_class_name, self.name))

    create_new_study = _forwarded("create_new_study")
    set_study_user_attr = _forwarded("set_study_user_attr")
    set_study_system_attr = _forwarded("set_study_system_attr")
    get_study_id_from_name = _forwarded("get_study_id_from_name")
    get_study_name_from_id = _forwarded("get_study_name_from_id")
    get_study_directions = _forwarded("get_study_directions")
    get_study_user_attrs = _forwarded("get_study_user_attrs")
    get_study_system_attrs = _forwarded("get_study_system_attrs")
    get_all_studies = _forwarded("get_all_studies")
    create_new_trial = _forwarded("create_new_trial")
    _create_new_trial = _forwarded("_create_new_trial")
    _pop_waiting_trial = _forwarded("_pop_waiting_trial")
    _pop_waiting_or_create_trial = _forwarded("_pop_waiting_or_create_trial")
    set_trial_param = _forwarded("set_trial_param")
    get_trial_id_from_study_id_trial_number = _forwarded("get_trial_id_from_study_id_trial_number")
    get_trial_number_from_id = _forwarded("get_trial_number_from_id")
    get_trial_param = _forwarded("get_trial_param")
    set_trial_state_values = _forwarded("set_trial_state_values")
    set_trial_intermediate_value = _forwarded("set_trial_intermediate_value")
    set_trial_user_attr = _forwarded("set_trial_user_attr")
    set_trial_system_attr = _forwarded("set_trial_system_attr")
    get_trial = _forwarded("get_trial")

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        """Return a study's trials in number order; finished ones come from this process."""
        with self._lock:
            cached = self._finished.setdefault(study_id, {})
            known_ids = list(cached)
        fresh = self.client.run_on_scheduler(_get_trials_except, self.name, study_id, known_ids)
        with self._lock:
            cached = self._finished.setdefault(study_id, {})
            merged = dict(cached)
            for trial in fresh:
                merged[trial._trial_id] = trial
                if trial.state.is_finished():
                    cached[trial._trial_id] = trial
        trials = sorted(merged.values(), key=lambda t: t.number)
        if states is not None:
            trials = [t for t in trials if t.state in states]
        return [t._copy(deep=True) for t in trials] if deepcopy else trials

    def delete_study(self, study_id: int) -> None:
        """Delete a study on the scheduler and forget its trials here."""
        self._run("delete_study", (study_id,), {})
        with self._lock:
            self._finished.pop(study_id, None)

    get_n_trials = _forwarded("get_n_trials")
    get_best_trial = _forwarded("get_best_trial")
    get_trial_params = _forwarded("get_trial_params")
    get_trial_user_attrs = _forwarded("get_trial_user_attrs")
    get_trial_system_attrs = _forwarded("get_trial_system_attrs")

"""Study: a named optimization task and the access point to its trials."""

from __future__ import annotations

import threading
from collections.abc import Callable, Container, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo import logging
from hpo._best_trial import is_feasible
from hpo._keys import FIXED_PARAMS_KEY, METRIC_NAMES_KEY
from hpo._pareto import is_pareto_front
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution
from hpo.pruners import BasePruner
from hpo.samplers import BaseSampler
from hpo.storages import BaseStorage, get_storage
from hpo.study import _tell
from hpo.study._arguments import (
    check_attrs,
    check_enqueued_params,
    check_fixed_distributions,
    check_states,
    check_trial_to_add,
)
from hpo.study._protocol import ObjectiveFuncType
from hpo.trial import FrozenTrial, Trial, TrialState, create_trial

if TYPE_CHECKING:
    import pandas as pd

_logger = logging.get_logger(__name__)


def default_sampler() -> BaseSampler:
    """Return the sampler a study uses when none is given."""
    from hpo.samplers import TPESampler

    return TPESampler()


def default_pruner() -> BasePruner:
    """Return the pruner a study uses when none is given."""
    from hpo.pruners import MedianPruner

    return MedianPruner()


class Study:
    """A study: an objective's trials in a storage, a sampler and a pruner.

    Create one with :func:`hpo.create_study` or open one with :func:`hpo.load_study` rather
    than calling this constructor.

    Parameters
    ----------
    study_name:
        The name of an existing study in ``storage``.
    storage:
        A storage object or a database URL.
    sampler:
        Where parameter values come from; TPE by default.
    pruner:
        What stops unpromising trials; the median rule by default.

    Raises
    ------
    KeyError
        If ``storage`` has no study named ``study_name``.

    Notes
    -----
    A study pickles, so it can be sent to worker processes (``multiprocessing``, joblib,
    Dask). With a database URL (RDB) or a journal storage, the unpickled study works on the
    same stored study: its storage reconnects, and trials run by any copy are seen by all.
    With an :class:`~hpo.storages.InMemoryStorage`, as in Optuna, the unpickled study holds a
    *copy* of the trials: the copies diverge from there. The sampler and the pruner pickle
    with their state (a seeded sampler's random generator included, so every copy draws the
    same numbers unless its ``reseed_rng()`` is called); locks are recreated, and a running
    ``optimize`` is not carried over.
    """

    def __init__(
        self,
        study_name: str,
        storage: str | BaseStorage,
        sampler: BaseSampler | None = None,
        pruner: BasePruner | None = None,
    ) -> None:
        self.study_name = study_name
        self._storage = get_storage(storage)
        self._study_id = self._storage.get_study_id_from_name(study_name)
        # Directions never change after creation, so one read serves every trial.
        self._directions = self._storage.get_study_directions(self._study_id)
        self.sampler = sampler if sampler is not None else default_sampler()
        self.pruner = pruner if pruner is not None else default_pruner()
        self._optimize_lock = threading.Lock()
        self._stop_flag = False
        self._in_optimize = False
        # Monotonic time after which optimize() next looks for stale trials (heartbeats).
        self._next_stale_check = 0.0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_optimize_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._optimize_lock = threading.Lock()
        # Whatever ran in the pickling process does not run here.
        self._stop_flag = False
        self._in_optimize = False
        self._next_stale_check = 0.0  # monotonic clocks differ between processes

    # -- directions ------------------------------------------------------------------------
    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study.

        Raises
        ------
        RuntimeError
            If the study has several objectives; use :attr:`directions`.
        """
        if len(self._directions) > 1:
            raise RuntimeError(
                "direction is not available for a multi-objective study; use directions."
            )
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        """The direction of each objective."""
        return list(self._directions)

    @property
    def _identity(self) -> tuple[BaseStorage, int]:
        """The storage object and study id: what samplers key their per-study caches by."""
        return (self._storage, self._study_id)

    def _is_multi_objective(self) -> bool:
        return len(self._directions) > 1

    # -- trials ----------------------------------------------------------------------------
    @property
    def trials(self) -> list[FrozenTrial]:
        """All trials, as deep copies, in number order."""
        return self.get_trials(deepcopy=True, states=None)

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Return the study's trials in number order.

        Parameters
        ----------
        deepcopy:
            Return copies (safe to modify). ``False`` is faster; treat the result as
            read-only.
        states:
            Only trials in these states; all trials when ``None``.

        Returns
        -------
        list[FrozenTrial]
            The trials.

        Raises
        ------
        TypeError
            If ``states`` is not None or a collection of :class:`TrialState` (a string such
            as ``"COMPLETE"`` is not).
        """
        if states is not None:
            check_states(states)
        return self._storage.get_all_trials(self._study_id, deepcopy=deepcopy, states=states)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best trial. Of the COMPLETE and feasible trials (those whose recorded constraints
        are all ``<= 0``, or that have none), the one with the best value; of equal values,
        the earliest (see ``hpo._best_trial``).

        Raises
        ------
        RuntimeError
            If the study has several objectives; use :attr:`best_trials`.
        ValueError
            If no trial is complete (or feasible) yet.
        """
        if self._is_multi_objective():
            raise RuntimeError(
                "best_trial is not available for a multi-objective study; use best_trials."
            )
        return self._storage.get_best_trial(self._study_id)

    @property
    def best_value(self) -> float:
        """The objective value of :attr:`best_trial`."""
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> dict[str, Any]:
        """The parameters of :attr:`best_trial`."""
        return self.best_trial.params

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The COMPLETE (and feasible) trials on the Pareto front, in number order."""
        trials = [
            t
            for t in self.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if is_feasible(t)
        ]
        if not trials:
            return []
        losses = np.array([t._values for t in trials], dtype=float)
        for i, direction in enumerate(self._directions):
            if direction == StudyDirection.MAXIMIZE:
                losses[:, i] = -losses[:, i]
        on_front = is_pareto_front(losses)
        return [trials[i]._copy(deep=True) for i in np.flatnonzero(on_front)]

    # -- attributes ------------------------------------------------------------------------
    @property
    def user_attrs(self) -> dict[str, Any]:
        """The study's user attributes."""
        return self._storage.get_study_user_attrs(self._study_id)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """The study's system attributes (used by samplers and hpo itself)."""
        return self._storage.get_study_system_attrs(self._study_id)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a JSON-serializable user attribute of the study."""
        self._storage.set_study_user_attr(self._study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute of the study (for samplers and plug-ins)."""
        self._storage.set_study_system_attr(self._study_id, key, value)

    def _set_trial_system_attr(self, trial: FrozenTrial, key: str, value: Any) -> None:
        """Set a system attribute of an unfinished trial, in storage and in ``trial``.

        This is how samplers and pruners write to a trial: ``trial`` is the record they were
        given, whose system attributes are the live trial's, so the objective sees the
        attribute in ``trial.system_attrs`` at once, without reading the storage back.

        Raises
        ------
        UpdateFinishedTrialError
            If the trial is finished; ``trial`` is left unchanged.
        """
        self._storage.set_trial_system_attr(trial._trial_id, key, value)
        trial.system_attrs[key] = value

    def set_metric_names(self, metric_names: list[str]) -> None:
        """Name the objectives; the names label ``trials_dataframe`` columns and plots.

        Raises
        ------
        ValueError
            If the number of names differs from the number of objectives.
        """
        if len(metric_names) != len(self._directions):
            raise ValueError(
                f"Got {len(metric_names)} metric names {metric_names!r} for a study with "
                f"{len(self._directions)} objective(s)."
            )
        self._storage.set_study_system_attr(self._study_id, METRIC_NAMES_KEY, list(metric_names))

    @property
    def metric_names(self) -> list[str] | None:
        """The objectives' names, or ``None`` if not set."""
        return self._storage.get_study_system_attrs(self._study_id).get(METRIC_NAMES_KEY)

    # -- ask and tell ----------------------------------------------------------------------
    def ask(self, fixed_distributions: dict[str, BaseDistribution] | None = None) -> Trial:
        """Start a trial and return it, for loops that call the objective themselves.

        An enqueued (WAITING) trial is taken first if there is one.

        Parameters
        ----------
        fixed_distributions:
            Parameters to suggest right away, by name.

        Returns
        -------
        Trial
            The running trial; finish it with :meth:`tell`.

        Raises
        ------
        TypeError
            If ``fixed_distributions`` is not a dict of str to distribution; nothing is
            created then.
        ValueError
            If a fixed distribution does not fit the study's earlier use of its name. Whatever
            is raised once the trial exists (by the sampler's ``before_trial`` too) marks the
            trial FAIL, with the reason in its ``fail_reason`` system attribute, and is
            re-raised.
        """
        fixed = check_fixed_distributions(fixed_distributions)
        frozen = self._storage._pop_waiting_or_create_trial(self._study_id)
        before_trial_done = False
        try:
            self.sampler.before_trial(self, frozen)
            before_trial_done = True
            trial = Trial(self, frozen._trial_id, frozen)
            for name, distribution in fixed.items():
                trial._suggest(name, distribution)
        except BaseException as e:
            _tell.fail_unfinished_trial(self, frozen, e, call_after_trial=before_trial_done)
            raise
        return trial

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started with :meth:`ask`.

        Parameters
        ----------
        trial:
            The trial or its number.
        values:
            The objective value(s); required for COMPLETE, must be ``None`` for PRUNED and
            FAIL.
        state:
            COMPLETE, PRUNED or FAIL; ``None`` means COMPLETE if the values are valid and FAIL
            (with a logged reason) otherwise.
        skip_if_finished:
            Return quietly if the trial is already finished instead of raising.

        Returns
        -------
        FrozenTrial
            The finished trial.

        Raises
        ------
        TypeError
            If ``trial`` is not a Trial or an int, or ``state`` is not a :class:`TrialState`
            (a string such as ``"COMPLETE"`` is not).
        ValueError
            For an unknown trial number, a state that is not finished, or values that do not
            fit the state.
        UpdateFinishedTrialError
            If the trial is finished and ``skip_if_finished`` is false.
        """
        frozen, reason = _tell.tell(self, trial, values, state, skip_if_finished)
        if reason is not None:
            _logger.warning("Trial %d failed: %s", frozen.number, reason)
        return frozen

    # -- enqueue and add -------------------------------------------------------------------
    def enqueue_trial(
        self,
        params: dict[str, Any],
        user_attrs: dict[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> None:
        """Queue a trial with fixed parameter values; the next asked trial takes it.

        Parameters the objective asks for but ``params`` lacks are sampled as usual. A value
        the objective's distribution does not contain (outside the range, off the step grid,
        not a choice, of the wrong type) is never used: the ``suggest_*`` call raises a
        ``ValueError`` or ``TypeError`` naming the parameter, and the trial fails without the
        value, so it never enters the sampler's model.

        Parameters
        ----------
        params:
            Parameter values by name: None, bool, int, float or str.
        user_attrs:
            User attributes for the trial.
        skip_if_exists:
            Do nothing if a trial with the same parameters exists or is queued.

        Raises
        ------
        TypeError
            If ``params`` is not a dict, a name is not a str, a value is not None, bool, int,
            float or str, or ``user_attrs`` is not a dict with str keys.
        """
        params = check_enqueued_params(params)
        check_attrs("user_attrs", user_attrs)
        if skip_if_exists and self._params_exist(params):
            _logger.info("Trial with params %s already exists; not enqueued again.", params)
            return
        self.add_trial(
            create_trial(
                state=TrialState.WAITING,
                system_attrs={FIXED_PARAMS_KEY: params},
                user_attrs=user_attrs,
            )
        )

    def _params_exist(self, params: dict[str, Any]) -> bool:
        for t in self.get_trials(deepcopy=False):
            if t.state == TrialState.WAITING:
                if t.system_attrs.get(FIXED_PARAMS_KEY) == params:
                    return True
            elif t.params == params:
                return True
        return False

    def add_trial(self, trial: FrozenTrial) -> None:
        """Add a finished or waiting trial made with :func:`hpo.trial.create_trial`.

        A WAITING trial is run by the next :meth:`ask`. A RUNNING trial is refused: no worker
        runs it, so it would stay RUNNING for ever.

        Raises
        ------
        TypeError
            If ``trial`` is not a :class:`~hpo.trial.FrozenTrial`, or a field has the wrong
            type (a state that is not a TrialState, a non-numeric value, ...).
        ValueError
            If the trial is RUNNING or inconsistent (values on a FAIL or WAITING trial,
            parameters outside their distributions, intermediate values at negative or
            too large steps, ...), or its values do not match the objectives. Nothing is
            written then.
        """
        check_trial_to_add(trial, len(self._directions))
        self._storage.create_new_trial(self._study_id, template_trial=trial)

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        """Add several trials; see :meth:`add_trial`.

        All trials are checked before the first is added, so a bad one adds none.
        """
        trials = list(trials)
        for trial in trials:
            check_trial_to_add(trial, len(self._directions))
        for trial in trials:
            self._storage.create_new_trial(self._study_id, template_trial=trial)

    # -- optimize --------------------------------------------------------------------------
    def optimize(
        self,
        func: ObjectiveFuncType,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
        trial_timeout: float | None = None,
        isolation: str = "thread",
    ) -> None:
        """Run trials of ``func`` until ``n_trials`` are done, ``timeout`` passes or
        :meth:`stop` is called.

        Parameters
        ----------
        func:
            The objective: takes a :class:`~hpo.trial.Trial`, returns a float (or a sequence
            of floats for several objectives).
        n_trials:
            How many trials to run (in total over all threads); ``0`` runs none, ``None``
            sets no limit.
        timeout:
            Stop starting new trials after this many seconds (a trial that is running then
            finishes first); no limit when ``None``. It bounds the whole run; see
            ``trial_timeout`` for a limit on each trial.
        n_jobs:
            Threads running trials in parallel (each with its own child process with
            ``isolation="process"``); ``-1`` for one per CPU.
        catch:
            Exception types that mark a trial FAIL and let the study continue; any other
            exception marks the trial FAIL and propagates.
        callbacks:
            Called as ``callback(study, frozen_trial)`` after each trial.
        gc_after_trial:
            Run the garbage collector after each trial.
        show_progress_bar:
            Show a tqdm progress bar (over trials, or over time when only ``timeout`` is set).
        trial_timeout:
            Seconds each trial may run, from its start; no limit when ``None``. A trial still
            running then is recorded as FAIL with the system attribute ``fail_reason`` set to
            ``"timeout"``; it counts towards ``n_trials``, callbacks see it, and the worker
            goes on with the next trial whatever ``catch`` says. With ``isolation="thread"``
            the limit is cooperative: the trial's next ``suggest_*``, ``report``,
            ``should_prune`` or ``set_user_attr`` call raises
            :class:`~hpo.exceptions.TrialTimeout` (a ``BaseException``, so ``except
            Exception:`` in the objective does not catch it), and a trial that returns after
            its deadline fails all the same. With ``isolation="process"`` the trial's process
            is killed, even in C code or a sleep.
        isolation:
            Where the objective runs. ``"thread"``: in the calling thread or the ``n_jobs``
            threads. ``"process"``: each of the ``n_jobs`` threads runs its trials in a child
            process (started with ``spawn``, kept for the next trial, replaced after a kill),
            which reaches the study through the same storage. The objective must then be
            picklable (defined at the top level of a module, or in a script whose
            optimization runs under ``if __name__ == "__main__":``) and the storage must be a
            database or a journal, not in memory. Each child reseeds its copy of the sampler,
            so a seed does not reproduce the values drawn.

        Raises
        ------
        RuntimeError
            If called from inside an objective of the same study, or, with
            ``isolation="process"``, if a child process cannot load the objective.
        TypeError
            If ``func`` is not callable, ``n_trials`` is not an int, ``timeout`` is not a
            number, ``catch`` is not an exception type or a collection of them, or
            ``callbacks`` is not a collection of callables, ``trial_timeout`` is not a number,
            or ``isolation="process"`` and ``func`` cannot be pickled. Arguments are checked
            before any trial starts.
        ValueError
            For a negative ``n_trials``, a ``timeout`` or ``trial_timeout`` that is not
            positive (or is NaN), an ``n_jobs`` below 1 other than -1, an unknown
            ``isolation``, or ``isolation="process"`` with an in-memory storage.
        """
        from hpo.study._optimize import optimize

        optimize(
            self,
            func,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            gc_after_trial=gc_after_trial,
            show_progress_bar=show_progress_bar,
            trial_timeout=trial_timeout,
            isolation=isolation,
        )

    def stop(self) -> None:
        """Ask a running :meth:`optimize` to start no new trial.

        Raises
        ------
        RuntimeError
            If no optimization of this study is running.
        """
        if not self._in_optimize:
            raise RuntimeError("stop() can only be called while optimize() is running.")
        self._stop_flag = True

    # -- export ----------------------------------------------------------------------------
    def trials_dataframe(
        self,
        attrs: tuple[str, ...] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ) -> pd.DataFrame:
        """Export the trials as a pandas DataFrame, one row per trial.

        Columns follow the attribute names: ``number``, ``value`` (``values_0``... or
        ``values_<metric name>`` for several objectives), ``params_<name>``,
        ``user_attrs_<key>``, ``system_attrs_<key>``, ``intermediate_values_<step>``,
        ``state`` (as a string) and ``duration`` (a timedelta).

        Parameters
        ----------
        attrs:
            Which trial attributes to export.
        multi_index:
            Use a two-level column index (``("params", "x")``) instead of joined names.

        Returns
        -------
        pandas.DataFrame
            The table.

        Raises
        ------
        ValueError
            For an unknown attribute name.
        """
        from hpo.study._dataframe import trials_dataframe

        return trials_dataframe(self, attrs, multi_index)

    def __repr__(self) -> str:
        return f"Study(study_name={self.study_name!r}, directions={self._directions!r})"

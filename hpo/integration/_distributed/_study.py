"""Run a study whose objective is itself distributed over the ranks of a communicator.

Rank 0 runs ``Study.optimize``; before each trial it tells the other ranks to run the
objective too, and when it stops it tells them why. The study is written by rank 0 only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hpo.exceptions import TrialPruned
from hpo.integration._distributed._communicator import Communicator
from hpo.integration._distributed._trial import DistributedTrial, ErrorInfo, run_objective
from hpo.study import Study
from hpo.trial import BaseTrial, FrozenTrial

# Commands rank 0 broadcasts between trials.
_RUN_TRIAL = "trial"
_STOP = "stop"
# Sent with _STOP when rank 0 stops because the trial every rank just ran raised.
_TRIAL_ERROR = "trial error"


def _catch_types(catch: Iterable[type[Exception]] | type[Exception]) -> tuple[type, ...]:
    types = (catch,) if isinstance(catch, type) else tuple(catch)
    for item in types:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise TypeError(f"catch must hold exception classes, got {item!r}.")
    return types


class DistributedStudy:
    """A study whose objective runs on every rank of a communicator.

    Parameters
    ----------
    study:
        The study, on rank 0. Other ranks may pass the same study (loaded from a shared
        storage) or ``None``; they never write to it.
    communicator:
        The process group running each trial together.
    trial_class:
        Builds the trial wrapper the objective receives from ``(trial or None, communicator)``.

    Raises
    ------
    TypeError
        If rank 0 passes no :class:`~hpo.Study`.
    """

    def __init__(
        self,
        study: Study | None,
        communicator: Communicator,
        trial_class: Callable[[BaseTrial | None, Communicator], DistributedTrial] = (
            DistributedTrial
        ),
    ) -> None:
        if communicator.rank == 0 and not isinstance(study, Study):
            raise TypeError(f"Rank 0 must pass an hpo.Study, got {study!r}.")
        if study is not None and not isinstance(study, Study):
            raise TypeError(f"study must be an hpo.Study or None, got {study!r}.")
        self._study = study
        self._communicator = communicator
        self._trial_class = trial_class

    @property
    def study(self) -> Study | None:
        """The wrapped study (``None`` on a rank that passed none)."""
        return self._study

    def __getattr__(self, name: str) -> Any:
        # best_trial, trials, trials_dataframe(), ...: the study's own, on the ranks that have it.
        study = self.__dict__.get("_study")
        if study is None:
            raise AttributeError(
                f"{type(self).__name__!s} has no attribute {name!r} on a rank without a study."
            )
        return getattr(study, name)

    def optimize(
        self,
        func: Callable[[Any], float | Iterable[float]],
        n_trials: int | None = None,
        timeout: float | None = None,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None = None,
    ) -> None:
        """Run trials of ``func`` on every rank; all ranks call this together.

        Parameters
        ----------
        func:
            The objective, called on every rank with the trial wrapper; rank 0's return
            value is the trial's value.
        n_trials, timeout, catch, callbacks:
            As in :meth:`hpo.Study.optimize`, applied by rank 0.

        Raises
        ------
        Exception
            An exception raised on any rank during a trial and not in ``catch`` is raised on
            every rank (the trial is recorded FAIL by rank 0); a ``TrialPruned`` raised on any
            rank prunes the trial on every rank.
        """
        catch_types = _catch_types(catch)
        if self._communicator.rank == 0:
            self._optimize_on_rank_zero(func, n_trials, timeout, catch_types, callbacks)
        else:
            self._follow(func)

    def _optimize_on_rank_zero(
        self,
        func: Callable[[Any], Any],
        n_trials: int | None,
        timeout: float | None,
        catch: tuple[type, ...],
        callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None,
    ) -> None:
        communicator = self._communicator
        trial_error: list[BaseException] = []

        def objective(trial: BaseTrial) -> Any:
            communicator.broadcast((_RUN_TRIAL, None))
            trial_error.clear()
            try:
                return run_objective(func, self._trial_class(trial, communicator))
            except TrialPruned:
                raise
            except BaseException as e:
                trial_error.append(e)
                raise

        study = self._study
        assert study is not None
        try:
            study.optimize(objective, n_trials=n_trials, timeout=timeout, catch=catch,
                           callbacks=callbacks)  # fmt: skip
        except BaseException as e:
            # The other ranks wait for the next command: tell them to raise too.
            if trial_error and e is trial_error[0]:
                communicator.broadcast((_STOP, _TRIAL_ERROR))
            else:
                communicator.broadcast((_STOP, ErrorInfo.from_exception(e, 0)))
            raise
        communicator.broadcast((_STOP, None))

    def _follow(self, func: Callable[[Any], Any]) -> None:
        communicator = self._communicator
        last_error: BaseException | None = None
        while True:
            command, info = communicator.broadcast(None)
            if command == _RUN_TRIAL:
                last_error = None
                try:
                    run_objective(func, self._trial_class(None, communicator))
                except BaseException as e:  # rank 0 decides whether the study goes on
                    last_error = e
                continue
            if info is None:
                return
            if info == _TRIAL_ERROR and last_error is not None:
                raise last_error
            raise info.to_exception()

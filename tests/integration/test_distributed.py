"""The rank-0-decides protocol of distributed objectives, with ranks as threads.

The MPI and torch tests run it in real processes; here a communicator whose ranks are threads
makes the error cases quick to reach: calls that differ between ranks, exceptions that cannot
be pickled, and errors of rank 0's study outside a trial.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import hpo
from hpo.integration._distributed import Communicator, DistributedStudy, DistributedTrial
from hpo.trial import TrialState


class _Group:
    def __init__(self, size: int) -> None:
        self.size = size
        self.barrier = threading.Barrier(size, timeout=30)  # a hang fails the test
        self.slots: list[Any] = [None] * size


class ThreadCommunicator(Communicator):
    """Ranks are threads; allgather is two barriers around a shared list."""

    def __init__(self, group: _Group, rank: int) -> None:
        self.group = group
        self._rank = rank

    @property
    def rank(self) -> int:
        return self._rank

    @property
    def size(self) -> int:
        return self.group.size

    def allgather(self, obj: Any) -> list[Any]:
        self.group.slots[self._rank] = obj
        self.group.barrier.wait()
        gathered = list(self.group.slots)
        self.group.barrier.wait()
        return gathered

    def broadcast(self, obj: Any, root: int = 0) -> Any:
        return self.allgather(obj)[root]


def run_ranks(
    size: int,
    study: hpo.Study,
    func: Callable[[DistributedTrial, int], Any],
    **optimize_kwargs: Any,
) -> list[BaseException | None]:
    """Run DistributedStudy.optimize on ``size`` thread ranks; return what each raised."""
    group = _Group(size)
    errors: list[BaseException | None] = [None] * size

    def rank_main(rank: int) -> None:
        communicator = ThreadCommunicator(group, rank)
        distributed = DistributedStudy(study if rank == 0 else None, communicator)
        try:
            distributed.optimize(lambda trial: func(trial, rank), **optimize_kwargs)
        except BaseException as e:
            errors[rank] = e

    threads = [threading.Thread(target=rank_main, args=(rank,)) for rank in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a rank hung"
    return errors


def test_ranks_calling_different_methods_fail_the_trial_everywhere() -> None:
    study = hpo.create_study()

    def objective(trial: DistributedTrial, rank: int) -> float:
        if rank == 1:
            trial.report(1.0, 0)
        return trial.suggest_float("x", 0, 1)

    errors = run_ranks(3, study, objective, n_trials=2)
    for error in errors:
        assert isinstance(error, RuntimeError)
        assert "rank 0: suggest 'x', rank 1: report, rank 2: suggest 'x'" in str(error)
    assert [t.state for t in study.trials] == [TrialState.FAIL]


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot travel")
        self.callback = lambda: None  # lambdas do not pickle


def test_an_exception_that_cannot_be_pickled_arrives_as_its_description() -> None:
    study = hpo.create_study()

    def objective(trial: DistributedTrial, rank: int) -> float:
        x = trial.suggest_float("x", 0, 1)
        if rank == 2:
            raise Unpicklable()
        return x

    errors = run_ranks(3, study, objective, n_trials=2)
    assert isinstance(errors[2], Unpicklable)
    for error in errors[:2]:
        assert type(error) is RuntimeError
        assert "Unpicklable: cannot travel" in str(error)
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_pruned_on_one_rank_prunes_the_trial_and_the_study_goes_on() -> None:
    study = hpo.create_study()

    def objective(trial: DistributedTrial, rank: int) -> float:
        x = trial.suggest_float("x", 0, 1)
        number = trial.number  # collective: every rank reads it
        if rank == 1 and number == 0:
            raise hpo.TrialPruned()
        return x

    assert run_ranks(2, study, objective, n_trials=2) == [None, None]
    assert [t.state for t in study.trials] == [TrialState.PRUNED, TrialState.COMPLETE]


def test_an_error_of_rank_zeros_study_outside_a_trial_reaches_every_rank() -> None:
    study = hpo.create_study()

    def stop_with_error(study: hpo.Study, trial: hpo.trial.FrozenTrial) -> None:
        raise OSError("callback failed")

    def objective(trial: DistributedTrial, rank: int) -> float:
        return trial.suggest_float("x", 0, 1)

    errors = run_ranks(2, study, objective, n_trials=3, callbacks=[stop_with_error])
    for error in errors:
        assert isinstance(error, OSError)
        assert "callback failed" in str(error)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]


def test_every_rank_reads_rank_zeros_trial_properties() -> None:
    study = hpo.create_study()
    seen: dict[int, tuple[Any, ...]] = {}

    def objective(trial: DistributedTrial, rank: int) -> float:
        x = trial.suggest_int("x", 0, 100)
        trial.set_user_attr("owner", "rank 0")
        seen[rank] = (
            trial.number,
            trial.params,
            trial.distributions,
            trial.user_attrs,
            trial.datetime_start,
            trial.should_prune(),
        )
        return float(x)

    assert run_ranks(3, study, objective, n_trials=1) == [None, None, None]
    (trial,) = study.trials
    expected = (0, trial.params, trial.distributions, {"owner": "rank 0"}, trial.datetime_start)
    for rank in range(3):
        assert seen[rank] == (*expected, False)


def test_rank_and_trial_arguments_are_checked() -> None:
    group = _Group(2)
    with pytest.raises(ValueError, match="Only rank 0 passes a trial; rank 1 got"):
        DistributedTrial(hpo.trial.FixedTrial({}), ThreadCommunicator(group, 1))
    with pytest.raises(TypeError, match=r"study must be an hpo\.Study or None, got 'study'"):
        DistributedStudy("study", ThreadCommunicator(group, 1))  # type: ignore[arg-type]

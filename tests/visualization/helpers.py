"""Hand-made studies shared by the plot tests."""

from __future__ import annotations

import datetime

import hpo
from hpo._keys import CONSTRAINTS_KEY
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.trial import TrialState, create_trial

X = FloatDistribution(1e-3, 1.0, log=True)
K = IntDistribution(0, 3)
C = CategoricalDistribution(["a", "b", "c"])


def mixed_study(direction: str = "minimize") -> hpo.Study:
    """Trials 0..5: x (log float), k (int), c (categorical, only in even trials), one failed
    and one pruned trial, and intermediate values on every trial."""
    study = hpo.create_study(direction=direction)
    rows = [
        (0.5, 0.001, 1, "a"),
        (0.2, 0.01, 2, None),
        (0.9, 0.1, 0, "c"),
        (0.1, 1.0, 3, None),
    ]
    for value, x, k, c in rows:
        params = {"x": x, "k": k}
        dists = {"x": X, "k": K}
        if c is not None:
            params["c"], dists["c"] = c, C
        study.add_trial(
            create_trial(
                value=value,
                params=params,
                distributions=dists,
                intermediate_values={0: value * 2, 1: value},
            )
        )
    study.add_trial(create_trial(state=TrialState.FAIL, params={"x": 0.5}, distributions={"x": X}))
    study.add_trial(
        create_trial(
            state=TrialState.PRUNED,
            params={"x": 0.3, "k": 1},
            distributions={"x": X, "k": K},
            intermediate_values={0: 7.0},
        )
    )
    return study


def multi_objective_study() -> hpo.Study:
    """Three complete trials with two objectives and one parameter x."""
    study = hpo.create_study(directions=["minimize", "maximize"])
    for i, x in enumerate([0.1, 0.5, 0.9]):
        study.add_trial(create_trial(values=[x, 1.0 - i], params={"x": x}, distributions={"x": X}))
    return study


def failed_only_study() -> hpo.Study:
    """A study whose only trials failed or were pruned."""
    study = hpo.create_study()
    study.add_trial(create_trial(state=TrialState.FAIL, params={"x": 0.5}, distributions={"x": X}))
    study.add_trial(
        create_trial(state=TrialState.PRUNED, params={"x": 0.5}, distributions={"x": X})
    )
    return study


#: The start of the timeline studies' clock.
T0 = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def add_timed_trial(
    study: hpo.Study,
    state: TrialState,
    start_s: float | None,
    end_s: float | None,
    constraints: list[float] | None = None,
) -> None:
    """Add a trial in ``state`` that ran from ``T0 + start_s`` to ``T0 + end_s`` seconds."""
    trial = create_trial(
        state=state,
        value=1.0 if state == TrialState.COMPLETE else None,
        system_attrs={} if constraints is None else {CONSTRAINTS_KEY: constraints},
    )
    trial.datetime_start = None if start_s is None else T0 + datetime.timedelta(seconds=start_s)
    trial.datetime_complete = None if end_s is None else T0 + datetime.timedelta(seconds=end_s)
    study.add_trial(trial)


def timeline_study() -> hpo.Study:
    """Complete, pruned, failed, infeasible complete and waiting trials on a known clock."""
    study = hpo.create_study()
    add_timed_trial(study, TrialState.COMPLETE, 0, 2)
    add_timed_trial(study, TrialState.PRUNED, 1, 4)
    add_timed_trial(study, TrialState.FAIL, 3, 3.5)
    add_timed_trial(study, TrialState.COMPLETE, 4, 5, constraints=[0.5])
    add_timed_trial(study, TrialState.WAITING, None, None)
    return study

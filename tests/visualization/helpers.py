"""Hand-made studies shared by the plot tests."""

from __future__ import annotations

import hpo
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

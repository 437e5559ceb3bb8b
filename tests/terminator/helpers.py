"""Hand-made trial lists for the terminator tests."""

from __future__ import annotations

from collections.abc import Sequence

from hpo.distributions import FloatDistribution
from hpo.trial import FrozenTrial, TrialState, create_trial


def trials_from_values(
    values: Sequence[float | None], cv_scores: dict[int, list[float]] | None = None
) -> list[FrozenTrial]:
    """One trial per value, numbered in order; ``None`` makes a FAIL trial.

    ``cv_scores`` maps a position to the cross-validation scores stored on that trial.
    """
    cv_scores = cv_scores or {}
    trials = []
    for number, value in enumerate(values):
        attrs = {"terminator:cv_scores": cv_scores[number]} if number in cv_scores else {}
        if value is None:
            trial = create_trial(state=TrialState.FAIL, system_attrs=attrs)
        else:
            trial = create_trial(
                value=value,
                params={"x": number / max(len(values), 1)},
                distributions={"x": FloatDistribution(0.0, 1.0)},
                system_attrs=attrs,
            )
        trial.number = number
        trials.append(trial)
    return trials

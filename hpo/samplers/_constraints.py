"""Constraint values of a trial, as samplers with a ``constraints_func`` record them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hpo._keys import CONSTRAINTS_KEY
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]


def store_constraints(
    study: StudyView,
    trial: FrozenTrial,
    state: TrialState,
    constraints_func: ConstraintsFunc | None,
) -> None:
    """Evaluate ``constraints_func`` on a completed trial and store the values with the trial.

    The values go to the trial's system attribute ``CONSTRAINTS_KEY`` (a list of floats; a
    value ``<= 0`` means that constraint is satisfied). Nothing happens without a function or
    for a trial that did not complete.

    Parameters
    ----------
    study:
        The trial's study.
    trial:
        The finishing trial.
    state:
        The state the trial finishes in.
    constraints_func:
        The user's function, or None.

    Raises
    ------
    ValueError
        If ``constraints_func`` returns something that is not a sequence of numbers, or NaN.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> _ = study.ask()
    >>> frozen = study.get_trials()[0]
    >>> store_constraints(study, frozen, TrialState.COMPLETE, lambda t: [-1.0, 0.5])
    >>> frozen.system_attrs[CONSTRAINTS_KEY]
    [-1.0, 0.5]
    """
    if constraints_func is None or state != TrialState.COMPLETE:
        return
    constraints = constraints_func(trial)
    try:
        floats = [float(c) for c in constraints]
    except (TypeError, ValueError) as e:
        raise ValueError(
            f"constraints_func must return a sequence of floats, got {constraints!r}."
        ) from e
    if any(math.isnan(c) for c in floats):
        raise ValueError(f"constraints_func returned NaN: {floats}.")
    study._set_trial_system_attr(trial, CONSTRAINTS_KEY, floats)

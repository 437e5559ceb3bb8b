"""ThresholdPruner: stop a trial whose latest value leaves a range or is NaN."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hpo.pruners._base import BasePruner
from hpo.pruners._rules import check_int, check_real, due_check_step
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


def _check_bound(name: str, value: object) -> float | None:
    if value is None:
        return None
    try:
        return check_real(name, value)
    except TypeError:
        raise TypeError(f"{name} must be a number or None, got {value!r}.") from None


class ThresholdPruner(BasePruner):
    """Stop a trial whose latest intermediate value is below ``lower``, above ``upper``, or NaN.

    Useful to stop diverging runs (a loss above a bound) whatever the other trials did.

    Parameters
    ----------
    lower:
        Stop when the value is smaller than this; ``None`` for no lower bound.
    upper:
        Stop when the value is larger than this; ``None`` for no upper bound.
    n_warmup_steps:
        No trial is stopped at a step below this one.
    interval_steps:
        Check every this many steps, counted from ``n_warmup_steps``; a check that falls on a
        step the trial does not report happens at its next report.

    Raises
    ------
    TypeError
        If both bounds are ``None``, a bound is not a number, or a step count is not an integer.
    ValueError
        If ``lower > upper``, a bound is NaN, ``n_warmup_steps < 0`` or ``interval_steps < 1``.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(pruner=hpo.pruners.ThresholdPruner(upper=10.0))
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        if lower is None and upper is None:
            raise TypeError("ThresholdPruner needs lower or upper (or both); both are None.")
        self._lower = _check_bound("lower", lower)
        self._upper = _check_bound("upper", upper)
        for name, bound in (("lower", self._lower), ("upper", self._upper)):
            if bound is not None and math.isnan(bound):
                raise ValueError(f"{name} must not be NaN.")
        if self._lower is not None and self._upper is not None and self._lower > self._upper:
            raise ValueError(f"lower={self._lower} must not be greater than upper={self._upper}.")
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps = check_int("interval_steps", interval_steps, 1)

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Return whether ``trial``'s latest value is out of bounds (or NaN) at a checked step.

        Parameters
        ----------
        study:
            The trial's study (not read).
        trial:
            The running trial.

        Returns
        -------
        bool
            ``True`` to stop the trial.
        """
        intermediate = trial.intermediate_values
        step = due_check_step(intermediate, self._n_warmup_steps, self._interval_steps)
        if step is None:
            return False
        value = intermediate[step]
        if math.isnan(value):
            return True
        if self._lower is not None and value < self._lower:
            return True
        return self._upper is not None and value > self._upper

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(lower={self._lower}, upper={self._upper}, "
            f"n_warmup_steps={self._n_warmup_steps}, interval_steps={self._interval_steps})"
        )

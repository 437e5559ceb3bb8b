"""Pure decision rules shared by the pruners, and argument checks.

Every function here takes plain numbers or arrays and returns a number or a bool, so each rule
is tested on hand-computed cases without a study.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from numbers import Real

import numpy as np


# -- argument checks ---------------------------------------------------------------------------
def check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` if it is an integer ``>= minimum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` is refused).
    ValueError
        If ``value < minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {name}={value}.")
    return int(value)


def check_real(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a real number (``bool`` is refused).

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r}.")
    return float(value)


def check_min_resource(value: object) -> float | None:
    """Return ``None`` for ``"auto"``, else ``value`` as a float if it is a number ``>= 1``.

    Raises
    ------
    ValueError
        If ``value`` is neither ``"auto"`` nor a number ``>= 1``.
    """
    if value == "auto":
        return None
    try:
        resource = check_real("min_resource", value)
    except TypeError:
        raise ValueError(f"min_resource must be 'auto' or a number >= 1, got {value!r}.") from None
    if not resource >= 1:
        raise ValueError(
            f"min_resource must be 'auto' or a number >= 1, got min_resource={resource}."
        )
    return resource


# -- when to check -----------------------------------------------------------------------------
def is_check_step(
    step: int, reported_steps: Iterable[int], n_warmup_steps: int, interval_steps: int
) -> bool:
    """Return whether a pruner with warm-up and interval looks at a trial whose last step is
    ``step``.

    Checks are due at ``n_warmup_steps + k * interval_steps``; a check falls on the first step
    the trial reports at or after that point (so a trial that skips the grid step is checked at
    its next report, once).

    Parameters
    ----------
    step:
        The step just reported (the trial's largest step).
    reported_steps:
        Every step the trial has reported, including ``step``.
    n_warmup_steps, interval_steps:
        The pruner's settings.

    Returns
    -------
    bool
        ``True`` if the pruner should decide at this step.
    """
    if step < n_warmup_steps:
        return False
    if interval_steps == 1:
        return True
    grid_step = n_warmup_steps + (step - n_warmup_steps) // interval_steps * interval_steps
    # An earlier report inside the same interval already had this interval's check.
    return not any(grid_step <= s < step for s in reported_steps)


def due_check_step(
    intermediate_values: dict[int, float], n_warmup_steps: int, interval_steps: int
) -> int | None:
    """Return the trial's latest step if a warm-up/interval pruner decides there, else None."""
    if not intermediate_values:
        return None
    step = max(intermediate_values)
    if not is_check_step(step, intermediate_values, n_warmup_steps, interval_steps):
        return None
    return step


# -- percentile rule ---------------------------------------------------------------------------
def best_so_far(values: Sequence[float] | np.ndarray, maximize: bool) -> float:
    """Return the best of ``values`` ignoring NaN, or NaN if there is no number.

    Parameters
    ----------
    values:
        A trial's reported values.
    maximize:
        Whether larger is better.

    Returns
    -------
    float
        The best value.
    """
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        return math.nan
    return float(array.max() if maximize else array.min())


def percentile_threshold(others: np.ndarray, percentile: float, maximize: bool) -> float:
    """Return the value a trial must reach to survive the percentile rule.

    ``percentile`` is the share of trials kept, counted from the best: 25 keeps the best
    quarter. NaN values in ``others`` are ignored.

    Parameters
    ----------
    others:
        Other trials' values at the same step.
    percentile:
        In ``[0, 100]``.
    maximize:
        Whether larger is better.

    Returns
    -------
    float
        The threshold, or NaN if ``others`` holds no number.
    """
    finite = others[~np.isnan(others)]
    if finite.size == 0:
        return math.nan
    q = 100.0 - percentile if maximize else percentile
    return float(np.percentile(finite, q))


def is_worse(value: float, reference: float, maximize: bool) -> bool:
    """Return whether ``value`` is strictly worse than ``reference`` (``False`` if NaN)."""
    return value < reference if maximize else value > reference


# -- successive halving ------------------------------------------------------------------------
def rung_step(
    min_resource: float, reduction_factor: int, min_early_stopping_rate: int, rung: int
) -> float:
    """Return the step at which a trial completes rung ``rung``.

    Rung ``k`` is completed at ``min_resource * reduction_factor ** (min_early_stopping_rate +
    k)`` (Li et al., 2020, asynchronous successive halving).
    """
    return min_resource * reduction_factor ** (min_early_stopping_rate + rung)


def is_promotable(
    value: float, rung_values: np.ndarray, reduction_factor: int, maximize: bool
) -> bool:
    """Return whether ``value`` is in the top ``1 / reduction_factor`` of a rung.

    The top is ``max(1, n // reduction_factor)`` values, where ``n`` counts ``rung_values``,
    which must include ``value`` itself; so the best value of a rung is always promoted. Ties
    with the last promoted value are promoted.

    Parameters
    ----------
    value:
        The trial's value at the rung.
    rung_values:
        All values recorded at the rung, ``value`` included.
    reduction_factor:
        At least 2.
    maximize:
        Whether larger is better.

    Returns
    -------
    bool
        ``True`` to promote, ``False`` to stop the trial.
    """
    n_promoted = max(1, len(rung_values) // reduction_factor)
    ordered = np.sort(-rung_values if maximize else rung_values)
    cutoff = ordered[n_promoted - 1]
    return bool((-value if maximize else value) <= cutoff)


# -- hyperband ---------------------------------------------------------------------------------
def n_brackets(min_resource: float, max_resource: float, reduction_factor: int) -> int:
    """Return Hyperband's number of brackets, ``floor(log_eta(max / min)) + 1`` (at least 1)."""
    ratio = max_resource / min_resource
    if ratio <= 1:
        return 1
    count = math.floor(math.log(ratio) / math.log(reduction_factor))
    # Logarithms round; settle the exact integer with powers.
    while reduction_factor ** (count + 1) <= ratio:
        count += 1
    while count > 0 and reduction_factor**count > ratio:
        count -= 1
    return count + 1


def bracket_budgets(n_brackets: int, reduction_factor: int) -> np.ndarray:
    """Return how many trials each Hyperband bracket starts with (Li et al., 2018).

    Bracket ``i`` stops trials first at ``min_resource * reduction_factor ** i``; with ``s =
    n_brackets - 1 - i`` it starts ``ceil(n_brackets * reduction_factor ** s / (s + 1))``
    trials, so the most aggressive bracket gets the most trials and every bracket gets about
    the same total number of steps.

    Returns
    -------
    numpy.ndarray
        Integer budgets, bracket 0 first.
    """
    s = np.arange(n_brackets - 1, -1, -1)
    return np.ceil(n_brackets * float(reduction_factor) ** s / (s + 1)).astype(np.int64)


def stable_bracket(key: str, budgets: np.ndarray) -> int:
    """Return the bracket of the trial named ``key``, with probability proportional to budget.

    The choice comes from a SHA-256 digest of ``key``, so every process, Python version and
    machine picks the same bracket (Python's ``hash`` is salted per process).
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    ticket = int.from_bytes(digest[:8], "big") % int(budgets.sum())
    return int(np.searchsorted(np.cumsum(budgets), ticket, side="right"))


# -- patience ----------------------------------------------------------------------------------
def has_stagnated(
    values: Sequence[float] | np.ndarray, patience: int, min_delta: float, maximize: bool
) -> bool:
    """Return whether the last ``patience + 1`` values fail to improve on the earlier best.

    An improvement is a value better than the best before the window by more than
    ``min_delta``. NaN values never improve; a window after only NaN values improves if it holds
    any number.

    Parameters
    ----------
    values:
        The trial's reported values in step order.
    patience:
        How many reports after the last improvement are tolerated.
    min_delta:
        The smallest change that counts as an improvement.
    maximize:
        Whether larger is better.

    Returns
    -------
    bool
        ``True`` if the trial has stopped improving; ``False`` when there are not yet
        ``patience + 2`` values.
    """
    array = np.asarray(values, dtype=float)
    if array.size < patience + 2:
        return False
    if maximize:
        array = -array
    before = best_so_far(array[: -patience - 1], maximize=False)
    window = best_so_far(array[-patience - 1 :], maximize=False)
    if math.isnan(window):
        return True
    if math.isnan(before):
        return False
    return not window < before - min_delta

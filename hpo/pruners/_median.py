"""MedianPruner: the percentile rule at 50."""

from __future__ import annotations

from hpo.pruners._peer_step import _PeerStepPruner
from hpo.pruners._percentile import PercentilePruner


class MedianPruner(PercentilePruner):
    """Stop a trial whose best intermediate value is worse than the median of its peers.

    The median stopping rule: a :class:`PercentilePruner` with ``percentile=50``; see it for
    how steps, warm-up, NaN values and the minimum number of peers are handled.

    Parameters
    ----------
    n_startup_trials:
        No trial is stopped until this many trials are COMPLETE.
    n_warmup_steps:
        No trial is stopped at a step below this one.
    interval_steps:
        Check every this many steps, counted from ``n_warmup_steps``.
    n_min_trials:
        No trial is stopped at a step where fewer COMPLETE trials reported a number.

    Raises
    ------
    ValueError
        If ``n_startup_trials`` or ``n_warmup_steps`` is negative, or ``interval_steps`` or
        ``n_min_trials`` is below 1.
    TypeError
        If an argument is not an integer.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(pruner=hpo.pruners.MedianPruner(n_warmup_steps=5))
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(
            50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials
        )

    # The percentile is always 50, so it is left out.
    __repr__ = _PeerStepPruner.__repr__

"""HyperbandPruner: successive halving in several brackets of different aggressiveness."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.pruners._base import BasePruner
from hpo.pruners._rules import (
    bracket_budgets,
    check_int,
    check_real,
    stable_bracket,
)
from hpo.pruners._rules import (
    n_brackets as count_brackets,
)
from hpo.pruners._successive_halving import (
    SuccessiveHalvingPruner,
    last_step_of_completed,
    shared_resource,
)
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

MAX_RESOURCE_KEY = "pruner:hyperband:max_resource"


class HyperbandPruner(BasePruner):
    """Hyperband (Li et al., 2018): asynchronous successive halving run in several brackets.

    There are ``floor(log_eta(max_resource / min_resource)) + 1`` brackets (``eta`` is
    ``reduction_factor``). Bracket ``i`` is a :class:`SuccessiveHalvingPruner` with
    ``min_early_stopping_rate=i``: bracket 0 stops trials as early as ``min_resource``, the last
    bracket lets them run to about ``max_resource`` before the first comparison. Each trial
    belongs to one bracket, drawn with probability proportional to the bracket's budget (the
    number of trials Hyperband starts in it) from a SHA-256 digest of
    ``f"{study_name}_{trial_number}"``, so every process computes the same bracket. Within a
    bracket, a trial competes only with trials of the same bracket, and
    :meth:`bracket_id` lets samplers learn from those trials only.

    Parameters
    ----------
    min_resource:
        The step scale of the first rung of bracket 0, a number ``>= 1``.
    max_resource:
        The largest number of steps a trial runs, or ``"auto"``: the largest last step of the
        COMPLETE trials when one first exists (stored in the study so every worker agrees); no
        trial is stopped before then.
    reduction_factor:
        The promoted share of each rung is ``1 / reduction_factor``; at least 2.
    bootstrap_count:
        A trial is promoted from a rung only if at least this many other trials of its bracket
        have completed the rung.

    Raises
    ------
    ValueError
        If ``min_resource < 1``, ``max_resource`` is neither ``"auto"`` nor a number
        ``>= min_resource``, ``reduction_factor < 2`` or ``bootstrap_count < 0``.
    TypeError
        If an argument is not a number of the right kind.

    Examples
    --------
    >>> import hpo
    >>> pruner = hpo.pruners.HyperbandPruner(min_resource=1, max_resource=81)
    >>> study = hpo.create_study(pruner=pruner)
    """

    def __init__(
        self,
        min_resource: float = 1,
        max_resource: str | float = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        self._min_resource = check_real("min_resource", min_resource)
        if not self._min_resource >= 1:
            raise ValueError(f"min_resource must be >= 1, got min_resource={min_resource}.")
        if max_resource == "auto":
            self._max_resource: float | None = None
        else:
            try:
                resource = check_real("max_resource", max_resource)
            except TypeError:
                raise ValueError(
                    f"max_resource must be 'auto' or a number, got {max_resource!r}."
                ) from None
            if not resource >= self._min_resource:
                raise ValueError(
                    f"max_resource={resource} must be >= min_resource={self._min_resource}."
                )
            self._max_resource = resource
        self._reduction_factor = check_int("reduction_factor", reduction_factor, 2)
        self._bootstrap_count = check_int("bootstrap_count", bootstrap_count, 0)
        self._auto_max_resource: dict[str, float] = {}
        # Brackets per max_resource: an "auto" estimate may differ between studies.
        self._layouts: dict[float, _Layout] = {}
        # Bracket of each (study name, trial number): a pure function, computed once.
        self._bracket_cache: dict[tuple[str, int], int] = {}

    def _layout(self, study: StudyView) -> _Layout | None:
        max_resource = self._max_resource
        if max_resource is None:
            max_resource = shared_resource(
                study,
                MAX_RESOURCE_KEY,
                self._auto_max_resource,
                lambda: _as_float(last_step_of_completed(study)),
            )
            if max_resource is None:
                return None
        layout = self._layouts.get(max_resource)
        if layout is None:
            layout = _Layout(
                self._min_resource,
                max(max_resource, self._min_resource),
                self._reduction_factor,
                self._bootstrap_count,
            )
            self._layouts[max_resource] = layout
        return layout

    def n_brackets(self, study: StudyView) -> int | None:
        """Return the number of brackets for ``study``, or ``None`` while not known yet.

        Parameters
        ----------
        study:
            The study (it matters only with ``max_resource="auto"``).

        Returns
        -------
        int | None
            The number of brackets.
        """
        layout = self._layout(study)
        return None if layout is None else len(layout.budgets)

    def budgets(self, study: StudyView) -> list[int] | None:
        """Return each bracket's budget (trials started in it) for ``study``, or ``None``.

        Parameters
        ----------
        study:
            The study (it matters only with ``max_resource="auto"``).

        Returns
        -------
        list[int] | None
            Budgets, bracket 0 first; ``None`` while ``max_resource`` is not known yet.
        """
        layout = self._layout(study)
        return None if layout is None else [int(b) for b in layout.budgets]

    def _bracket_of(self, layout: _Layout, study_name: str, number: int) -> int:
        key = (study_name, number)
        bracket = self._bracket_cache.get(key)
        if bracket is None:
            bracket = stable_bracket(f"{study_name}_{number}", layout.budgets)
            self._bracket_cache[key] = bracket
        return bracket

    def bracket_id(self, study: StudyView, trial: FrozenTrial) -> int | None:
        """Return the index of ``trial``'s bracket, or ``None`` while brackets are not known.

        Parameters
        ----------
        study:
            The trial's study.
        trial:
            Any trial of the study.

        Returns
        -------
        int | None
            The bracket, the same in every process.
        """
        layout = self._layout(study)
        if layout is None:
            return None
        return self._bracket_of(layout, study.study_name, trial.number)

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Return whether ``trial`` should stop, judged within its bracket.

        Parameters
        ----------
        study:
            The trial's study.
        trial:
            The running trial.

        Returns
        -------
        bool
            ``True`` to stop the trial.
        """
        if not trial.intermediate_values:
            return False
        layout = self._layout(study)
        if layout is None:
            return False
        name = study.study_name
        bracket = self._bracket_of(layout, name, trial.number)

        def same_bracket(other: FrozenTrial) -> bool:
            return self._bracket_of(layout, name, other.number) == bracket

        return layout.brackets[bracket]._judge(
            study,
            trial,
            self._min_resource,
            lambda: study.get_trials(deepcopy=False),
            same_group=same_bracket,
        )

    def __repr__(self) -> str:
        resource = "'auto'" if self._max_resource is None else self._max_resource
        return (
            f"{type(self).__name__}(min_resource={self._min_resource}, "
            f"max_resource={resource}, reduction_factor={self._reduction_factor}, "
            f"bootstrap_count={self._bootstrap_count})"
        )


class _Layout:
    """The brackets for one max_resource: their budgets and successive-halving pruners."""

    def __init__(
        self, min_resource: float, max_resource: float, reduction_factor: int, bootstrap: int
    ) -> None:
        count = count_brackets(min_resource, max_resource, reduction_factor)
        self.budgets = bracket_budgets(count, reduction_factor)
        self.brackets = [
            SuccessiveHalvingPruner(
                min_resource=min_resource,
                reduction_factor=reduction_factor,
                min_early_stopping_rate=i,
                bootstrap_count=bootstrap,
            )
            for i in range(count)
        ]


def _as_float(value: int | None) -> float | None:
    return None if value is None else float(value)

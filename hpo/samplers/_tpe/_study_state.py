"""What TPESampler remembers about a study between calls, and cached defaults."""

from __future__ import annotations

import functools
from collections.abc import Hashable
from typing import Any

import numpy as np

from hpo.distributions import CategoricalDistribution
from hpo.samplers._tpe import _split
from hpo.samplers._tpe._observations import TrialTable
from hpo.samplers._tpe._summary import Summary
from hpo.samplers._tpe._weights import default_weights
from hpo.search_space import IntersectionSearchSpace, _GroupDecomposedSearchSpace
from hpo.trial import FrozenTrial


class StudyState:
    """What the sampler remembers about one study between calls."""

    def __init__(self, n_objectives: int) -> None:
        self.table = TrialTable(n_objectives)
        self.intersection = IntersectionSearchSpace(include_pruned=True)
        self.groups = _GroupDecomposedSearchSpace(include_pruned=True)
        self._ranking = _split.IncrementalRanking()
        # The study's trials as last read, for the trial of that number, and its RUNNING ones.
        self.read_for: int | None = None
        self.trials: list[FrozenTrial] = []
        self.running: list[FrozenTrial] = []
        self.distances: dict[tuple[str, CategoricalDistribution], np.ndarray] = {}
        self.split_cache: tuple[Any, ...] | None = None
        # The bad group's summary per row set (parameter names, pruner bracket).
        self.summaries: dict[Hashable, Summary] = {}

    def ranking(self, sign: float) -> np.ndarray:
        """All rows ordered best first for a single objective, updated as rows are added."""
        table = self.table
        return self._ranking.update(
            table.states,
            table.values[:, 0],
            table.last_steps,
            table.last_values,
            table.violations,
            sign,
        )


@functools.lru_cache(maxsize=64)
def default_weights_cached(n: int) -> np.ndarray:
    """:func:`default_weights`, computed once per ``n`` (read-only)."""
    weights = default_weights(n)
    weights.flags.writeable = False
    return weights

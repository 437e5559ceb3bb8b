"""What TPESampler remembers about a study between calls, and cached defaults."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from hpo.distributions import CategoricalDistribution
from hpo.samplers._tpe import _split
from hpo.samplers._tpe._observations import TrialTable
from hpo.samplers._tpe._weights import default_weights
from hpo.search_space import IntersectionSearchSpace, _GroupDecomposedSearchSpace


class StudyState:
    """What the sampler remembers about one study between calls."""

    def __init__(self, n_objectives: int) -> None:
        self.table = TrialTable(n_objectives)
        self.intersection = IntersectionSearchSpace(include_pruned=True)
        self.groups = _GroupDecomposedSearchSpace(include_pruned=True)
        self.rank_key: tuple[int, float] | None = None
        self.rank_order = np.zeros(0, dtype=np.intp)
        self.distances: dict[tuple[str, CategoricalDistribution], np.ndarray] = {}
        self.split_cache: tuple[Any, ...] | None = None

    def ranking(self, sign: float) -> np.ndarray:
        """All rows ordered best first for a single objective, cached per table version."""
        table = self.table
        key = (table.version, sign)
        if self.rank_key != key:
            self.rank_order = _split.rank_single_objective(
                table.states,
                table.values[:, 0],
                table.last_steps,
                table.last_values,
                table.violations,
                sign,
            )
            self.rank_key = key
        return self.rank_order


@functools.lru_cache(maxsize=64)
def default_weights_cached(n: int) -> np.ndarray:
    """:func:`default_weights`, computed once per ``n`` (read-only)."""
    weights = default_weights(n)
    weights.flags.writeable = False
    return weights

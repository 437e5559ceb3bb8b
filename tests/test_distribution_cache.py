"""The one cache of distributions (hpo.distributions.DISTRIBUTION_CACHE), shared by suggest
and by every storage that reads distributions back from JSON."""

from __future__ import annotations

import hpo
from hpo import distributions
from hpo.distributions import (
    DISTRIBUTION_CACHE,
    FloatDistribution,
    cache_distribution,
    cached_json_to_distribution,
    distribution_to_json,
)


def test_suggest_and_storages_use_the_same_cache() -> None:
    from hpo.storages._rdb import _queries
    from hpo.storages.journal import _replay
    from hpo.trial import _base

    assert _base._DISTRIBUTION_CACHE is DISTRIBUTION_CACHE
    assert _queries.distribution_from_json is cached_json_to_distribution
    text = distribution_to_json(FloatDistribution(0.0, 2.0, step=0.25))
    assert _replay.distribution_of(text) is cached_json_to_distribution(text)


def test_equal_suggests_share_one_distribution_object() -> None:
    study = hpo.create_study()
    first, second = study.ask(), study.ask()
    first.suggest_float("lr", 1e-4, 1.0, log=True)
    second.suggest_float("lr", 1e-4, 1.0, log=True)
    assert first.distributions["lr"] is second.distributions["lr"]


def test_the_cache_is_bounded() -> None:
    saved = dict(DISTRIBUTION_CACHE)
    try:
        for i in range(distributions.DISTRIBUTION_CACHE_SIZE + 5):
            cache_distribution(("test", i), FloatDistribution(0.0, 1.0))
        assert 0 < len(DISTRIBUTION_CACHE) <= distributions.DISTRIBUTION_CACHE_SIZE
    finally:
        DISTRIBUTION_CACHE.clear()
        DISTRIBUTION_CACHE.update(saved)

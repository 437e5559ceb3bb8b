"""The bad group's summary: bounded kernels whose mixture keeps the old trials' mass."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import hpo
from hpo.samplers._tpe import _summary
from hpo.samplers._tpe._summary import (
    Summary,
    ages,
    oldest_first,
    summarize,
    summarized_bad_group,
)
from hpo.samplers._tpe._weights import default_weights


@pytest.mark.parametrize("numbers", [[7, 2, 5, 0], [3, 1000, 20], list(range(50))[::-1]])
def test_ages_rank_numbers_oldest_first(numbers: list[int]) -> None:
    array = np.array(numbers)
    expected = np.argsort(np.argsort(array))
    assert ages(array).tolist() == expected.tolist()
    assert ages(np.zeros(0, dtype=np.int64)).tolist() == []


def test_oldest_first_orders_a_subset_of_ranks() -> None:
    assert oldest_first(np.array([4, 0, 2]), 5).tolist() == [1, 2, 0]
    assert oldest_first(np.array([1, 0]), 2).tolist() == [1, 0]


def test_a_group_within_the_cap_is_kept_whole() -> None:
    weights = np.linspace(0.1, 1.0, 10)
    kept, kept_weights = summarize(np.arange(10), weights, max_kernels=10, kept_newest=3)
    assert kept.tolist() == list(range(10))
    assert kept_weights is weights


def test_a_long_group_is_bounded_keeps_its_newest_and_its_total_weight() -> None:
    n = 5000
    weights = default_weights(n)
    order = np.random.default_rng(0).permutation(n)  # observation order[i] is the i-th oldest
    kept, kept_weights = summarize(order, weights[np.argsort(order)], max_kernels=400)
    assert len(kept) <= 400
    assert len(np.unique(kept)) == len(kept)
    assert kept_weights.sum() == pytest.approx(weights.sum())
    newest = order[-_summary.KEPT_NEWEST :]
    assert set(newest.tolist()) <= set(kept.tolist())
    # The drawn old trials follow the weights: the ramp makes newer old trials likelier.
    age = np.argsort(order)[kept]
    old = age < n - _summary.KEPT_NEWEST
    assert np.median(age[old]) > (n - _summary.KEPT_NEWEST) / 2


def test_the_summary_keeps_where_the_old_mass_lies() -> None:
    # Old observations at 0.2 weigh three times those at 0.8: so must their summary. The
    # values repeat with the trial number, which evenly spaced draws (stride 10) would alias
    # into all-0.2; one random draw per slice does not (300 draws: sd of the share 0.025).
    n = 3000
    values = np.where(np.arange(n) % 4 == 0, 0.8, 0.2)
    kept, kept_weights = summarize(np.arange(n), np.ones(n), max_kernels=300, kept_newest=0)
    share = kept_weights[values[kept] == 0.2].sum() / kept_weights.sum()
    assert share == pytest.approx(0.75, abs=0.05)


def test_zero_old_weight_keeps_only_the_newest() -> None:
    weights = np.concatenate([np.zeros(90), np.ones(10)])
    kept, kept_weights = summarize(np.arange(100), weights, max_kernels=50, kept_newest=10)
    assert sorted(kept.tolist()) == list(range(90, 100))
    assert kept_weights.tolist() == [1.0] * 10


def test_kept_newest_must_leave_room_for_the_summary() -> None:
    with pytest.raises(ValueError, match=r"kept_newest=50 must be in \[0, max_kernels=50\)"):
        summarize(np.arange(100), np.ones(100), max_kernels=50, kept_newest=50)


def test_bad_group_takes_out_good_rows_and_adds_new_rows_until_refreshed() -> None:
    n = 3000
    rows = np.arange(n)
    numbers = np.arange(n)
    below = np.array([5, n - 1])
    bad, weights, summary = summarized_bad_group(rows, below, numbers, default_weights, None)
    assert summary.n_rows == n
    assert not set(below.tolist()) & set(bad.tolist())
    # The summary keeps the total weight, less the share of the two good rows taken out.
    total = default_weights(n).sum()
    assert (
        total - 2 * total / (_summary.MAX_BAD_KERNELS - _summary.KEPT_NEWEST) - 1
        <= (weights.sum())
        <= total
    )
    assert len(bad) <= _summary.MAX_BAD_KERNELS
    # Rows added since the summary join as they are, at full weight, until the refresh.
    more = np.arange(n + _summary.REFRESH_EVERY - 1)
    bad2, weights2, summary2 = summarized_bad_group(more, below, more, default_weights, summary)
    assert summary2 is summary
    assert bad2[-(_summary.REFRESH_EVERY - 1) :].tolist() == list(range(n, n + 49))
    assert weights2[-(_summary.REFRESH_EVERY - 1) :].tolist() == [1.0] * 49
    refreshed = np.arange(n + _summary.REFRESH_EVERY)
    *_, summary3 = summarized_bad_group(refreshed, below, refreshed, default_weights, summary)
    assert summary3.n_rows == n + _summary.REFRESH_EVERY


def test_a_summary_of_more_rows_than_given_is_made_again() -> None:
    stale = Summary(100, np.arange(10), np.ones(10))
    rows = np.arange(60)
    bad, _, summary = summarized_bad_group(rows, np.zeros(0, int), rows, default_weights, stale)
    assert summary.n_rows == 60
    assert bad.tolist() == list(range(60))


def _sphere(trial: hpo.Trial) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(3))


def _params(cap: int, n_trials: int, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, float]]:
    monkeypatch.setattr(_summary, "MAX_BAD_KERNELS", cap)
    study = hpo.create_study(sampler=hpo.samplers.TPESampler(seed=1, n_startup_trials=5))
    study.optimize(_sphere, n_trials=n_trials)
    return [t.params for t in study.trials]


def test_proposals_are_unchanged_while_the_bad_group_is_within_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _params(10**9, 60, monkeypatch) == _params(1000, 60, monkeypatch)


def test_a_study_beyond_the_cap_is_sampled_from_a_bounded_bad_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes: list[int] = []
    original = summarized_bad_group

    def spy(*args: Any) -> tuple[np.ndarray, np.ndarray, Summary]:
        result = original(*args)
        sizes.append(len(result[0]))
        return result

    monkeypatch.setattr("hpo.samplers._tpe._sampler.summarized_bad_group", spy)
    exact = _params(10**9, 120, monkeypatch)
    assert sizes == []
    monkeypatch.setattr(_summary, "KEPT_NEWEST", 5)
    bounded = _params(20, 120, monkeypatch)
    # With k finished trials the bad group has k - ceil(k / 10): beyond 20 from k = 24 on.
    assert len(sizes) == 120 - 24
    # 15 drawn, 5 newest, and up to REFRESH_EVERY - 1 rows added since.
    assert max(sizes) <= 20 + _summary.REFRESH_EVERY - 1
    assert exact[:24] == bounded[:24]
    assert exact != bounded

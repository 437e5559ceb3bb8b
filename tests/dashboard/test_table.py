"""Filtering, sorting and paging the trials table."""

from __future__ import annotations

import pytest

import hpo
from hpo.dashboard._table import TableQueryError, parse_filter, query_table
from hpo.trial import FrozenTrial, TrialState


def _trials() -> list[FrozenTrial]:
    study = hpo.create_study()
    for i in range(10):
        trial = study.ask()
        trial.suggest_int("n", 0, 100)
        trial.suggest_categorical("opt", ["sgd", "adam"])
        trial.set_user_attr("tag", "odd" if i % 2 else "even")
        if i == 9:
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, float(10 - i))
    return study.trials


def test_default_order_pages_without_a_full_pass() -> None:
    trials = _trials()
    page = query_table(trials, page=2, per_page=4)
    assert [t.number for t in page.rows] == [4, 5, 6, 7]
    assert page.n_matching == 10 and page.n_pages == 3
    last = query_table(trials, page=1, per_page=3, descending=True)
    assert [t.number for t in last.rows] == [9, 8, 7]


def test_filters_on_state_value_params_and_user_attrs() -> None:
    trials = _trials()
    numbers = lambda text: [t.number for t in query_table(trials, filter_text=text).rows]  # noqa: E731
    assert numbers("state = fail") == [9]
    assert numbers("value < 3") == [8]  # value 2.0
    assert numbers("value <= 3 and user_attrs.tag = even") == [8]
    assert numbers("params.opt = adam") == [t.number for t in trials if t.params["opt"] == "adam"]
    assert numbers("value1 > 0") == []  # a single-objective study has no second value
    assert numbers("number >= 8") == [8, 9]


def test_sorting_puts_missing_values_last_in_both_orders() -> None:
    trials = _trials()
    ascending = query_table(trials, sort="value").rows
    assert [t.number for t in ascending][:2] == [8, 7] and ascending[-1].number == 9
    descending = query_table(trials, sort="value", descending=True).rows
    assert [t.number for t in descending][:2] == [0, 1] and descending[-1].number == 9


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"filter_text": "value"}, "cannot read the condition"),
        ({"filter_text": "size > 3"}, "unknown field 'size'"),
        ({"sort": "params."}, "unknown field"),
        ({"per_page": 0}, "per_page=0"),
        ({"page": 0}, "page=0"),
    ],
)
def test_bad_queries_raise_a_clear_error(kwargs: dict, message: str) -> None:
    with pytest.raises(TableQueryError, match=message):
        query_table(_trials(), **kwargs)


def test_empty_filter_is_none() -> None:
    assert parse_filter("  ") is None

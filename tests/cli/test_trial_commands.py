"""trials, best-trial, best-trials, ask and tell: round trips checked against the Python API."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import pytest

from hpo.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from hpo.study import Study, create_study, load_study
from hpo.trial import FrozenTrial, TrialState
from tests.cli.conftest import Run

SPACE = {
    "x": FloatDistribution(-5.0, 5.0),
    "n": IntDistribution(1, 64, log=True),
    "c": CategoricalDistribution(["a", "b", None]),
}
SEARCH_SPACE = json.dumps({name: json.loads(distribution_to_json(d)) for name, d in SPACE.items()})


def _expected_row(trial: FrozenTrial, objective: str) -> dict[str, object]:
    assert trial.datetime_start is not None
    row: dict[str, object] = {"number": trial.number}
    row[objective] = trial.values if objective == "values" else trial.value
    complete = trial.datetime_complete
    return {
        **row,
        "datetime_start": trial.datetime_start.isoformat(),
        "datetime_complete": None if complete is None else complete.isoformat(),
        "duration": None
        if complete is None
        else (complete - trial.datetime_start).total_seconds(),
        "params": trial.params,
        "user_attrs": trial.user_attrs,
        "state": trial.state.name,
    }


def test_ask_and_tell_as_programs_on_a_multi_objective_study(program: Run, url: str) -> None:
    env = {"HPO_STORAGE": url}
    made = program("create-study", "--study-name", "mo", "--directions", "minimize", "maximize",
                   env=env)  # fmt: skip
    assert (made.code, made.out) == (0, "mo\n"), made.err
    sampler = ["--sampler", "RandomSampler", "--sampler-kwargs", '{"seed": 0}']
    asked = program("ask", "--study-name", "mo", *sampler, "--search-space", SEARCH_SPACE, env=env)
    assert asked.code == 0, asked.err
    first = json.loads(asked.out)
    assert first["number"] == 0 and list(first["params"]) == ["c", "n", "x"]
    study = load_study(study_name="mo", storage=url)
    assert study.trials[0].params == first["params"]
    assert study.trials[0].state == TrialState.RUNNING
    for name, value in first["params"].items():
        assert SPACE[name]._contains(SPACE[name].to_internal_repr(value))
    told = program("tell", "--study-name", "mo", "--trial-number", "0", "--values", "1", "2",
                   env=env)  # fmt: skip
    assert (told.code, told.out, told.err) == (0, "", "")
    assert study.trials[0].values == [1.0, 2.0]
    for values in ([0.5, 1.0], [3.0, 5.0], [2.0, 0.0]):
        trial = study.ask(SPACE)
        study.tell(trial, values)
    best = program("best-trials", "--study-name", "mo", "-f", "json", env=env)
    assert best.code == 0, best.err
    expected = [_expected_row(t, "values") for t in study.best_trials]
    assert json.loads(best.out) == expected
    assert [row["number"] for row in expected] == [0, 1, 2]
    again = program("tell", "--study-name", "mo", "--trial-number", "0", "--values", "1", "2",
                    env=env)  # fmt: skip
    assert again.code == 1
    assert again.error_line() == "hpo: error: Trial 0 is already finished (COMPLETE)."


def _run_single_objective(cli: Run, url: str) -> Study:
    assert cli("create-study", "--storage", url, "--study-name", "s").code == 0
    outcomes = [["--values", "2.5"], ["--values", "-1"], ["--state", "pruned"],
                ["--values", "inf"], ["--state", "fail"], ["--values", "0.5", "--state",
                "complete"]]  # fmt: skip
    for number, outcome in enumerate(outcomes):
        asked = cli("ask", "--storage", url, "--study-name", "s", "--search-space", SEARCH_SPACE)
        assert json.loads(asked.out)["number"] == number
        told = cli("tell", "--storage", url, "--study-name", "s", "--trial-number", str(number),
                   *outcome)  # fmt: skip
        assert told.code == 0, told.err
    study = load_study(study_name="s", storage=url)
    study.ask().set_user_attr("note", [1, "two"])  # one trial left running
    return study


def test_a_single_objective_round_trip(cli: Run, url: str) -> None:
    study = _run_single_objective(cli, url)
    trials = study.trials
    assert [t.state.name for t in trials] == [
        "COMPLETE", "COMPLETE", "PRUNED", "COMPLETE", "FAIL", "COMPLETE", "RUNNING"
    ]  # fmt: skip
    assert [t.value for t in trials] == [2.5, -1.0, None, float("inf"), None, 0.5, None]
    rows = json.loads(cli("trials", "--storage", url, "--study-name", "s", "-f", "json").out)
    expected = [_expected_row(t, "value") for t in trials]
    expected[3]["value"] = "Infinity"
    assert rows == expected
    for row in rows:
        assert datetime.fromisoformat(row["datetime_start"]).utcoffset() is not None
    best = json.loads(cli("best-trial", "--storage", url, "--study-name", "s", "-f", "json").out)
    assert best == _expected_row(study.best_trial, "value") and best["number"] == 1
    bests = cli("best-trials", "--storage", url, "--study-name", "s", "-f", "json").out
    assert [row["number"] for row in json.loads(bests)] == [t.number for t in study.best_trials]

    flat = json.loads(
        cli("trials", "--storage", url, "--study-name", "s", "-f", "json", "--flatten").out
    )
    assert flat[0]["params_x"] == trials[0].params["x"] and "params" not in flat[0]
    assert flat[6]["user_attrs_note"] == [1, "two"] and "user_attrs_note" not in flat[0]
    assert "params_x" not in flat[6] and "user_attrs" not in flat[6]
    table = cli("trials", "--storage", url, "--study-name", "s").out.splitlines()
    assert len(table) == 4 + len(trials)
    assert [c.strip() for c in table[1].strip("|").split("|")] == [
        "number", "value", "datetime_start", "datetime_complete", "duration", "params",
        "user_attrs", "state",
    ]  # fmt: skip
    assert table[6].split("|")[2].strip() == "Infinity"
    flat_table = cli("trials", "--storage", url, "--study-name", "s", "--flatten").out
    assert "params_c" in flat_table.splitlines()[1]
    values = cli("trials", "--storage", url, "--study-name", "s", "-f", "value").out.splitlines()
    assert len(values) == len(trials) and values[2].startswith("2  ")
    assert values[-1].endswith(' {} {"note": [1, "two"]} RUNNING')
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load(cli("trials", "--storage", url, "--study-name", "s", "-f", "yaml").out)
    assert loaded[3]["value"] == float("inf") and loaded[0] == expected[0]


def test_ask_formats_and_the_only_study(cli: Run, url: str) -> None:
    create_study(storage=url, study_name="only")
    asked = cli("ask", "--storage", url, "--search-space", SEARCH_SPACE, "-f", "value")
    number, params = asked.out.rstrip("\n").split(" ", 1)
    assert (
        number == "0"
        and json.loads(params) == load_study(study_name="only", storage=url).trials[0].params
    )
    flat = json.loads(
        cli("ask", "--storage", url, "--search-space", SEARCH_SPACE, "--flatten").out
    )
    assert flat["number"] == 1 and {"params_c", "params_n", "params_x"} == set(flat) - {"number"}
    table = cli("ask", "--storage", url, "-f", "table").out.splitlines()
    assert [c.strip() for c in table[3].strip("|").split("|")] == ["2", "{}"]
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(cli("ask", "--storage", url, "-f", "yaml").out) == {
        "number": 3,
        "params": {},
    }
    create_study(storage=url, study_name="second")
    two = cli("ask", "--storage", url)
    assert two.code == 1 and "study_name is required" in two.error_line()


def test_bad_input_to_ask_creates_no_trial(
    cli: Run, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_study(storage=url, study_name="s")
    ask = ["ask", "--storage", url, "--study-name", "s"]
    for extra, code, message in [
        (["--search-space", "{bad"], 2, "--search-space is not valid JSON"),
        (
            [
                "--search-space",
                '{"x": {"name": "FloatDistribution", "attributes": {"low": 1, "high": 0}}}',
            ],
            2,
            "parameter 'x'",
        ),
        (["--sampler", "NoSuchSampler"], 2, "unknown sampler 'NoSuchSampler'"),
        (["--sampler", "TPESampler", "--sampler-kwargs", "{bad"], 2, "not valid JSON"),
        (["--sampler", "RandomSampler", "--sampler-kwargs", '{"speed": 1}'], 2, "rejects"),
        (["--study-name", "nope"], 1, "No study named 'nope'."),
    ]:
        result = cli(*ask, *extra)
        assert result.code == code
        assert message in result.error_line()
    monkeypatch.setitem(sys.modules, "yaml", None)
    no_yaml = cli(*ask, "-f", "yaml")
    assert no_yaml.code == 1 and "PyYAML" in no_yaml.error_line()
    assert load_study(study_name="s", storage=url).trials == []


def test_tell_errors_leave_the_trial_as_it_was(cli: Run, url: str) -> None:
    study = create_study(storage=url, study_name="s")
    study.ask()
    study.ask()
    tell = ["tell", "--storage", url, "--study-name", "s"]
    for extra, message in [
        (["--trial-number", "9", "--values", "1"], "The study has no trial number 9."),
        (
            ["--trial-number", "0", "--values", "1", "2", "--state", "complete"],
            "Cannot tell trial 0 COMPLETE: the objective returned 2 value(s)",
        ),
        (
            ["--trial-number", "0", "--values", "1", "--state", "pruned"],
            "values must be None for a PRUNED trial",
        ),
    ]:
        result = cli(*tell, *extra)
        assert result.code == 1
        assert message in result.error_line()
    assert [t.state for t in study.trials] == [TrialState.RUNNING, TrialState.RUNNING]
    assert cli(*tell, "--trial-number", "0", "--values", "3").code == 0
    finished = cli(*tell, "--trial-number", "0", "--values", "4")
    assert finished.code == 1 and "already finished (COMPLETE)" in finished.error_line()
    skipped = cli(*tell, "--trial-number", "0", "--values", "4", "--skip-if-finished")
    assert (skipped.code, skipped.err) == (0, "")
    no_value = cli(*tell, "--trial-number", "1")
    assert no_value.code == 0
    trials = study.trials
    assert (trials[0].state, trials[0].value) == (TrialState.COMPLETE, 3.0)
    assert trials[1].state == TrialState.FAIL


def test_best_trial_needs_one_objective_and_a_complete_trial(cli: Run, url: str) -> None:
    create_study(storage=url, study_name="empty").ask()
    create_study(storage=url, study_name="mo", directions=["minimize", "minimize"])
    empty = cli("best-trial", "--storage", url, "--study-name", "empty")
    assert empty.code == 1
    assert empty.error_line() == (
        "hpo: error: Study 'empty' has no complete trial yet, so no best trial."
    )
    assert (
        cli("best-trials", "--storage", url, "--study-name", "empty", "-f", "json").out == "[]\n"
    )
    multi = cli("best-trial", "--storage", url, "--study-name", "mo")
    assert multi.code == 1 and "use best-trials" in multi.error_line()

"""hpo report, run as a real program against a SQLite file."""

from __future__ import annotations

from pathlib import Path

import hpo
from tests.cli.conftest import Run
from tests.report.conftest import figure_ids


def _study(url: str, name: str, n_trials: int = 8) -> None:
    study = hpo.create_study(storage=url, study_name=name)
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=n_trials)


def test_report_writes_the_page_and_prints_its_path(
    program: Run, url: str, tmp_path: Path
) -> None:
    _study(url, "only")
    done = program("report", "--storage", url, "--study-name", "only", "-o", "out.html")
    assert (done.code, done.err) == (0, "")
    assert done.out == f"{tmp_path / 'out.html'}\n"
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<title>hpo report: only</title>" in page
    assert len(figure_ids(page)) == 4  # history, importances, slice, parallel coordinate


def test_the_study_name_may_be_omitted_when_the_storage_holds_one(
    program: Run, url: str, tmp_path: Path
) -> None:
    _study(url, "lonely", n_trials=3)
    done = program("report", "--output", "sub.html", env={"HPO_STORAGE": url})
    assert (done.code, done.err) == (0, "")
    assert "hpo report: lonely" in (tmp_path / "sub.html").read_text(encoding="utf-8")
    default = program("report", "--storage", url)
    assert default.code == 0 and (tmp_path / "report.html").is_file()


def test_failures_print_one_line_and_exit_non_zero(program: Run, url: str, tmp_path: Path) -> None:
    _study(url, "a", n_trials=1)
    missing = program("report", "--storage", url, "--study-name", "zz")
    assert missing.code == 1
    assert missing.error_line() == "hpo: error: No study named 'zz'."
    _study(url, "b", n_trials=1)
    several = program("report", "--storage", url)
    assert several.code == 2
    assert several.error_line() == (
        "hpo: error: --study-name is required: the storage holds 2 studies ('a', 'b')."
    )
    bad_dir = program("report", "--storage", url, "--study-name", "a", "-o", "nowhere/r.html")
    assert bad_dir.code == 2
    assert bad_dir.error_line() == (
        "hpo: error: -o/--output: path 'nowhere/r.html': the directory 'nowhere' does not exist."
    )
    bad_url = program("report", "--storage", "nosuchdriver://x", "--study-name", "a")
    assert bad_url.code == 1
    assert "nosuchdriver" in bad_url.error_line()
    assert list(tmp_path.glob("*.html")) == []


def test_bad_options_and_a_missing_storage_are_usage_errors(cli: Run, url: str) -> None:
    _study(url, "a", n_trials=1)
    for value in ("1", "-3"):
        bad_option = cli("report", "--storage", url, "--max-importance-trials", value)
        assert bad_option.code == 2
        assert bad_option.error_line() == (
            "hpo: error: --max-importance-trials must be 0 (all trials) or at least 2, "
            f"got {value}."
        )
    no_storage = cli("report", "--study-name", "a")
    assert no_storage.code == 2
    assert no_storage.error_line().startswith("hpo: error: no storage given: use --storage URL")


def test_max_importance_trials_zero_uses_every_trial(cli: Run, url: str, tmp_path: Path) -> None:
    _study(url, "a", n_trials=6)
    out = tmp_path / "r.html"
    sampled = cli("report", "--storage", url, "-o", str(out), "--max-importance-trials", "3")
    assert sampled.code == 0
    assert "random sample of 3 of the 6 completed trials" in out.read_text(encoding="utf-8")
    every = cli("report", "--storage", url, "-o", str(out), "--max-importance-trials", "0")
    assert every.code == 0
    assert "random sample" not in out.read_text(encoding="utf-8")


def test_an_empty_storage_is_an_error(cli: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    hpo.create_study(storage=url, study_name="x")
    hpo.delete_study(study_name="x", storage=url)
    done = cli("report", "--storage", url)
    assert done.code == 1
    assert done.error_line() == (
        "hpo: error: the storage holds no study, so there is nothing to report."
    )

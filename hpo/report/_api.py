"""The public functions: :func:`render_report` (the page as a string) and :func:`write_report`."""

from __future__ import annotations

import os
import pathlib
from typing import TYPE_CHECKING

from hpo.report._figures import report_sections
from hpo.report._page import render_page
from hpo.report._summary import summarize

if TYPE_CHECKING:
    from hpo.study import Study

DEFAULT_MAX_IMPORTANCE_TRIALS: int | None = None


def _check_study(study: object) -> None:
    from hpo.study import Study

    if not isinstance(study, Study):
        raise TypeError(
            "study must be an hpo.study.Study (from hpo.create_study or hpo.load_study), "
            f"got {type(study).__name__}: {study!r}."
        )


def _check_int(name: str, value: object, minimum: int, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        allowed = "an int or None" if allow_none else "an int"
        raise TypeError(f"{name} must be {allowed}, got {type(value).__name__}: {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}.")


def render_report(
    study: Study,
    *,
    max_importance_trials: int | None = DEFAULT_MAX_IMPORTANCE_TRIALS,
    seed: int = 0,
) -> str:
    """Return a self-contained HTML report of ``study``.

    The page holds a summary (name, directions, trials per state, best trial or trials with
    their parameters, time span, user attributes) and the study's plots: optimization history,
    intermediate values (if a trial reported any), parameter importances, slice and parallel
    coordinate plots, and for several objectives the Pareto front (see
    :mod:`hpo.report._figures`). plotly.js is inlined once, so the page opens offline. A study
    without completed trials gives the summary and a message instead of plots; warnings the
    plots give are printed in the page, not raised.

    Parameters
    ----------
    study:
        The study to report on.
    max_importance_trials:
        The importances are computed on at most this many COMPLETE trials, drawn at random
        (the page says so); ``None`` (the default) uses them all. The default evaluator
        (PED-ANOVA) takes milliseconds on ten thousand trials; a sample is there for very
        large studies.
    seed:
        Seed of that random sample.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    TypeError
        If ``study`` is not a :class:`~hpo.study.Study`, or an argument is not an int.
    ValueError
        If ``max_importance_trials`` is below 2 or ``seed`` is negative.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(study_name="demo")
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=10)
    >>> page = render_report(study)
    >>> page.startswith("<!DOCTYPE html>"), "hpo report: demo" in page
    (True, True)
    """
    _check_study(study)
    _check_int("max_importance_trials", max_importance_trials, 2, allow_none=True)
    _check_int("seed", seed, 0, allow_none=False)
    summary = summarize(study)
    sections = report_sections(
        study, summary.n_complete, max_importance_trials=max_importance_trials, seed=seed
    )
    return render_page(summary, sections)


def check_report_path(path: object) -> pathlib.Path:
    """Return ``path`` as a :class:`pathlib.Path` if a report can be written there.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path.
    ValueError
        If it is empty, a directory, or in a directory that does not exist.

    Examples
    --------
    >>> check_report_path("report.html")
    PosixPath('report.html')
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}: {path!r}.")
    target = pathlib.Path(path)
    if str(path) == "":
        raise ValueError("path must name a file, got ''.")
    if target.is_dir():
        raise ValueError(
            f"path {str(path)!r} is a directory; give a file name such as report.html."
        )
    parent = target.parent
    if not parent.is_dir():
        raise ValueError(f"path {str(path)!r}: the directory {str(parent)!r} does not exist.")
    return target


def write_report(
    study: Study,
    path: str | os.PathLike[str],
    *,
    max_importance_trials: int | None = DEFAULT_MAX_IMPORTANCE_TRIALS,
    seed: int = 0,
) -> pathlib.Path:
    """Write the HTML report of ``study`` (see :func:`render_report`) to ``path``.

    The file is UTF-8 and replaced if it exists. Every argument is checked before the study
    is read.

    Parameters
    ----------
    study:
        The study to report on.
    path:
        The file to write, in an existing directory.
    max_importance_trials:
        As in :func:`render_report`.
    seed:
        As in :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The absolute path of the file written.

    Raises
    ------
    TypeError
        If ``study`` is not a :class:`~hpo.study.Study`, ``path`` is not a string or path, or
        an option has the wrong type.
    ValueError
        If ``path`` is a directory or its directory does not exist, or an option is out of
        range.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(study_name="demo")
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=10)
    >>> write_report(study, "report.html").name
    'report.html'
    """
    _check_study(study)
    target = check_report_path(path)
    page = render_report(study, max_importance_trials=max_importance_trials, seed=seed)
    target.write_text(page, encoding="utf-8")
    return target.resolve()

"""The ``report`` command: write a study's self-contained HTML report (:mod:`hpo.report`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from hpo import logging
from hpo._cli._errors import usage_error
from hpo._cli._storage import open_storage
from hpo.report._api import check_report_path

if TYPE_CHECKING:
    from hpo.storages import BaseStorage

_logger = logging.get_logger(__name__)

DEFAULT_OUTPUT = "report.html"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``hpo report`` to its parser."""
    parser.add_argument(
        "--study-name",
        metavar="NAME",
        help="The study; may be omitted if the storage holds one study.",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        default=DEFAULT_OUTPUT,
        help=f"The HTML file to write (default: {DEFAULT_OUTPUT}); replaced if it exists.",
    )
    parser.add_argument(
        "--max-importance-trials",
        type=int,
        metavar="N",
        default=0,
        help="Compute the parameter importances on a random sample of at most N completed "
        "trials (default: 0, all of them).",
    )


def _study_name(storage: BaseStorage, given: str | None) -> str:
    if given is not None:
        return given
    from hpo.study import get_all_study_names

    names = get_all_study_names(storage)
    if not names:
        raise ValueError("the storage holds no study, so there is nothing to report.")
    if len(names) > 1:
        shown = ", ".join(repr(name) for name in names[:10])
        more = f" and {len(names) - 10} more" if len(names) > 10 else ""
        raise usage_error(
            f"--study-name is required: the storage holds {len(names)} studies ({shown}{more})."
        )
    return names[0]


def report(args: argparse.Namespace) -> int:
    """Write the report of a study to ``--output`` and print the file's path.

    The output path and options are checked before the storage is opened, so a typo costs
    nothing.
    """
    from hpo.report import write_report
    from hpo.study import load_study

    try:
        check_report_path(args.output)
    except ValueError as e:
        raise usage_error(f"-o/--output: {e}") from None
    max_trials = args.max_importance_trials
    if max_trials is not None and (max_trials == 1 or max_trials < 0):
        raise usage_error(
            f"--max-importance-trials must be 0 (all trials) or at least 2, got {max_trials}."
        )
    storage = open_storage(args)
    study = load_study(study_name=_study_name(storage, args.study_name), storage=storage)
    path = write_report(study, args.output, max_importance_trials=max_trials or None)
    _logger.info("Wrote the report of the study %r.", study.study_name)
    print(path)
    return 0

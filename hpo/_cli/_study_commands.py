"""Study commands: ``create-study``, ``delete-study``, ``study set-user-attr``,
``study-names`` and ``studies``.

Each takes the parsed arguments, prints its result on standard output and returns exit code 0;
problems are raised and turned into one line on standard error by :func:`hpo.cli.main`.
"""

from __future__ import annotations

import argparse

from hpo import logging
from hpo import study as study_api
from hpo._cli._output import check_format, render
from hpo._cli._records import STUDY_COLUMNS, study_row
from hpo._cli._storage import open_storage
from hpo.exceptions import DuplicatedStudyError

_logger = logging.get_logger(__name__)


def create_study(args: argparse.Namespace) -> int:
    """Create a study and print its name (``--skip-if-exists`` reuses an existing one)."""
    storage = open_storage(args)
    try:
        study = study_api.create_study(
            storage=storage,
            study_name=args.study_name,
            direction=args.direction,
            directions=args.directions,
            load_if_exists=args.skip_if_exists,
        )
    except DuplicatedStudyError:
        raise DuplicatedStudyError(
            f"A study named {args.study_name!r} already exists; "
            "use --skip-if-exists to keep it, or another --study-name."
        ) from None
    print(study.study_name)
    return 0


def delete_study(args: argparse.Namespace) -> int:
    """Delete a study and all its trials."""
    study_api.delete_study(study_name=args.study_name, storage=open_storage(args))
    _logger.info("Deleted the study %r.", args.study_name)
    return 0


def set_user_attr(args: argparse.Namespace) -> int:
    """Set a user attribute of a study; the value is stored as the string given."""
    study = study_api.load_study(study_name=args.study_name, storage=open_storage(args))
    study.set_user_attr(args.key, args.value)
    _logger.info("Set the user attribute %r of the study %r.", args.key, args.study_name)
    return 0


def study_names(args: argparse.Namespace) -> int:
    """Print the names of every study in the storage, one row each (column ``name``)."""
    check_format(args.format)
    names = study_api.get_all_study_names(open_storage(args))
    print(render([{"name": name} for name in names], ["name"], args.format), end="")
    return 0


def studies(args: argparse.Namespace) -> int:
    """Print one row per study: name, directions, trial count, first start, user attributes."""
    check_format(args.format)
    summaries = study_api.get_all_study_summaries(open_storage(args), include_best_trial=False)
    rows = [study_row(summary) for summary in summaries]
    print(render(rows, STUDY_COLUMNS, args.format, flat=args.flatten), end="")
    return 0

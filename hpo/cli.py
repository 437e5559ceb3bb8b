"""The ``hpo`` command line: studies and trials of a storage, from the shell.

The commands and options are those of Optuna's ``optuna`` command (``hpo create-study``,
``hpo ask``, ``hpo tell``, ``hpo trials -f json`` ...); see ``docs/cli.md``. This module builds
the parser and dispatches; the commands live in :mod:`hpo._cli`. Each command is one function
that receives the parsed arguments and returns an exit code. Exit codes: 0 success, 1 the
command failed (an unknown study, a finished trial, a storage that cannot be opened), 2 wrong
usage (argparse's convention; also arguments whose content is invalid, such as bad JSON).
A failure prints one line, ``hpo: error: <what went wrong>``, on standard error.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence

from hpo._cli import (
    _dashboard_command,
    _import_command,
    _report_command,
    _storage_commands,
    _study_commands,
    _trial_commands,
)
from hpo._cli._errors import one_line
from hpo._cli._logging_setup import configured_logging
from hpo._cli._output import FORMATS
from hpo._cli._storage import STORAGE_CLASSES
from hpo.exceptions import CLIUsageError
from hpo.version import __version__

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Command = Callable[[argparse.Namespace], int]
DIRECTIONS = ("minimize", "maximize")


def _common_options(top_level: bool) -> argparse.ArgumentParser:
    """Return the options every command accepts, before or after the command name.

    Below the top level they default to ``SUPPRESS``, so that an option given before the
    command is not reset by the command's own parser.
    """
    parent = argparse.ArgumentParser(add_help=False)
    unset = None if top_level else argparse.SUPPRESS
    parent.add_argument(
        "--storage",
        metavar="URL",
        default=unset,
        help="Database URL (e.g. sqlite:///study.db) or journal file. Defaults to the "
        "HPO_STORAGE environment variable, then OPTUNA_STORAGE.",
    )
    parent.add_argument(
        "--storage-class",
        choices=STORAGE_CLASSES,
        default=unset,
        help="What --storage is; guessed when omitted (a URL is a database, an existing "
        "file a journal).",
    )
    verbosity = parent.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if top_level else argparse.SUPPRESS,
        help="Log more on standard error: -v information, -vv debugging detail.",
    )
    verbosity.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="Log errors only.",
    )
    parent.add_argument(
        "--log-file", metavar="PATH", default=unset, help="Also write the log to this file."
    )
    parent.add_argument(
        "--debug",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="Show the traceback of an error.",
    )
    return parent


def _add_format(parser: argparse.ArgumentParser, default: str, flatten: str | None) -> None:
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default=default,
        help=f"Output format (default: {default}); yaml needs PyYAML.",
    )
    if flatten is not None:
        parser.add_argument("--flatten", action="store_true", help=flatten)


def _study_name(parser: argparse.ArgumentParser, required: bool, what: str) -> None:
    parser.add_argument("--study-name", required=required, metavar="NAME", help=what)


def _add_study_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    create = add("create-study", _study_commands.create_study, "Create a new study.")
    _study_name(create, False, "The study's name; generated when omitted.")
    directions = create.add_mutually_exclusive_group()
    directions.add_argument(
        "--direction", choices=DIRECTIONS, help="Direction of a single objective (minimize)."
    )
    directions.add_argument(
        "--directions",
        choices=DIRECTIONS,
        nargs="+",
        help="One direction per objective, separated by spaces.",
    )
    create.add_argument(
        "--skip-if-exists",
        action="store_true",
        help="Reuse the study if one of that name exists, instead of failing.",
    )

    delete = add("delete-study", _study_commands.delete_study, "Delete a study.")
    _study_name(delete, True, "The study to delete.")

    names = add("study-names", _study_commands.study_names, "Show the names of all studies.")
    _add_format(names, "value", None)

    listing = add("studies", _study_commands.studies, "Show a list of studies.")
    _add_format(listing, "table", "One column per direction and user attribute.")


def _add_trial_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    flatten = "One column per parameter, objective value and user attribute."
    for name, command, text in (
        ("trials", _trial_commands.trials, "Show a list of trials."),
        ("best-trial", _trial_commands.best_trial, "Show the best trial."),
        (
            "best-trials",
            _trial_commands.best_trials,
            "Show the best trials (those on the Pareto front).",
        ),
    ):
        parser = add(name, command, text)
        _study_name(parser, True, "The study.")
        _add_format(parser, "table", flatten)

    ask = add("ask", _trial_commands.ask, "Start a trial and suggest its parameters.")
    _study_name(ask, False, "The study; may be omitted if the storage holds one study.")
    ask.add_argument("--sampler", metavar="NAME", help="Sampler class, e.g. TPESampler.")
    ask.add_argument(
        "--sampler-kwargs", metavar="JSON", help='Sampler arguments as JSON, e.g. {"seed": 1}.'
    )
    ask.add_argument(
        "--search-space",
        metavar="JSON",
        help="Parameters to suggest: a JSON object from names to distributions as "
        "hpo.distributions.distribution_to_json writes them.",
    )
    _add_format(ask, "json", "One column per parameter.")

    tell = add("tell", _trial_commands.tell, "Finish a trial started by ask.")
    _study_name(tell, False, "The study; may be omitted if the storage holds one study.")
    tell.add_argument("--trial-number", type=int, required=True, metavar="N", help="The trial.")
    tell.add_argument("--values", type=float, nargs="+", metavar="VALUE", help="Objective values.")
    tell.add_argument(
        "--state",
        choices=_trial_commands.TELL_STATES,
        help="Final state; without it the trial is complete if the values fit the study.",
    )
    tell.add_argument(
        "--skip-if-finished",
        action="store_true",
        help="Do nothing, without an error, if the trial is already finished.",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``hpo`` command, with every command registered."""
    parser = argparse.ArgumentParser(
        prog="hpo",
        description="hpo: hyperparameter optimization, from the command line.",
        parents=[_common_options(top_level=True)],
    )
    parser.add_argument("--version", action="version", version=f"hpo {__version__}")
    subparsers = parser.add_subparsers(dest="subject", metavar="COMMAND")
    subparsers.required = True
    common = _common_options(top_level=False)

    def adder(group: argparse._SubParsersAction) -> Callable[..., argparse.ArgumentParser]:
        def add(name: str, command: Command, text: str) -> argparse.ArgumentParser:
            sub: argparse.ArgumentParser = group.add_parser(
                name, help=text, description=text, parents=[common]
            )
            sub.set_defaults(command=command)
            return sub

        return add

    add = adder(subparsers)
    _add_study_commands(add)
    _add_trial_commands(add)
    _report_command.add_arguments(
        add("report", _report_command.report, "Write a study's HTML report (one offline page).")
    )
    _dashboard_command.add_arguments(
        add(
            "dashboard", _dashboard_command.dashboard, "Serve the live web dashboard of a storage."
        )
    )

    study = subparsers.add_parser("study", help="Study attributes: study set-user-attr.")
    study_commands = study.add_subparsers(dest="study_command", metavar="COMMAND")
    study_commands.required = True
    set_attr = adder(study_commands)(
        "set-user-attr", _study_commands.set_user_attr, "Set a user attribute of a study."
    )
    _study_name(set_attr, True, "The study.")
    set_attr.add_argument("-k", "--key", required=True, help="The attribute's name.")
    set_attr.add_argument("--value", required=True, help="The value, stored as a string.")

    storage = subparsers.add_parser(
        "storage", help="Manage a database: storage upgrade, storage import-optuna."
    )
    storage_commands = storage.add_subparsers(dest="storage_command", metavar="COMMAND")
    storage_commands.required = True
    adder(storage_commands)(
        "upgrade",
        _storage_commands.storage_upgrade,
        "Upgrade a database's schema to the one this hpo uses (back it up first; an empty "
        "database gets the whole schema).",
    )
    _import_command.add_arguments(
        adder(storage_commands)(
            "import-optuna",
            _import_command.import_optuna,
            "Copy studies, with all their trials, from an Optuna database (read-only).",
        )
    )

    help_parser = subparsers.add_parser("help", help="Show the help of a command.")
    help_parser.add_argument("topic", nargs="*", metavar="COMMAND")
    help_parser.set_defaults(command=None)
    return parser


def _show_help(parser: argparse.ArgumentParser, topic: Sequence[str]) -> int:
    """Print the help of ``hpo TOPIC...`` (e.g. ``hpo help study set-user-attr``)."""
    try:
        parser.parse_args([*topic, "--help"])
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hpo`` command line and return its exit code.

    Parameters
    ----------
    argv:
        The arguments without the program name; ``sys.argv[1:]`` when ``None``.

    Returns
    -------
    int
        0 on success, 1 if the command failed, 2 for wrong usage.

    Examples
    --------
    >>> main(["--version"])  # doctest: +ELLIPSIS
    hpo ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits on --help, --version and usage errors
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    if args.subject == "help":
        return _show_help(parser, args.topic)
    command: Command = args.command
    try:
        with configured_logging(args):
            return command(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as e:  # every failure becomes one line, never a traceback
        if args.debug:
            traceback.print_exc()
        print(f"hpo: error: {one_line(e)}", file=sys.stderr)
        return EXIT_USAGE if isinstance(e, CLIUsageError) else EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())

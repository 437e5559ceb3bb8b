"""Trial commands: ``trials``, ``best-trial``, ``best-trials``, ``ask`` and ``tell``.

``ask`` and ``tell`` let a program in any language run a study: ``ask`` starts a trial and
prints its number and parameters, the program evaluates them, and ``tell`` records the values.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from hpo import logging
from hpo._cli._output import check_format, render
from hpo._cli._records import ask_row, trial_columns, trial_row
from hpo._cli._sampler import build_sampler
from hpo._cli._search_space import parse_search_space
from hpo._cli._storage import open_storage
from hpo.study import load_study

if TYPE_CHECKING:
    from hpo.samplers import BaseSampler
    from hpo.study import Study
    from hpo.trial import FrozenTrial

_logger = logging.get_logger(__name__)

TELL_STATES = ("complete", "pruned", "fail")


def _load(args: argparse.Namespace, sampler: BaseSampler | None = None) -> Study:
    return load_study(study_name=args.study_name, storage=open_storage(args), sampler=sampler)


def _print_trials(
    args: argparse.Namespace, study: Study, trials: list[FrozenTrial], single: bool
) -> None:
    multi_objective = len(study.directions) > 1
    rows = [trial_row(trial, multi_objective) for trial in trials]
    columns = trial_columns(multi_objective)
    print(render(rows, columns, args.format, flat=args.flatten, single=single), end="")


def trials(args: argparse.Namespace) -> int:
    """Print every trial of a study, in number order."""
    check_format(args.format)
    study = _load(args)
    _print_trials(args, study, study.get_trials(deepcopy=False), single=False)
    return 0


def best_trial(args: argparse.Namespace) -> int:
    """Print the best trial of a single-objective study."""
    check_format(args.format)
    study = _load(args)
    if len(study.directions) > 1:
        raise ValueError(
            f"Study {study.study_name!r} has {len(study.directions)} objectives, so it has "
            "no single best trial; use best-trials."
        )
    try:
        best = study.best_trial
    except ValueError:
        raise ValueError(
            f"Study {study.study_name!r} has no complete trial yet, so no best trial."
        ) from None
    _print_trials(args, study, [best], single=True)
    return 0


def best_trials(args: argparse.Namespace) -> int:
    """Print the trials on the Pareto front (the best trials for one objective)."""
    check_format(args.format)
    study = _load(args)
    _print_trials(args, study, study.best_trials, single=False)
    return 0


def ask(args: argparse.Namespace) -> int:
    """Start a trial, suggest the ``--search-space`` parameters, print number and parameters.

    Every argument is checked before the trial is created, so bad input creates nothing.
    """
    check_format(args.format)
    space = parse_search_space(args.search_space)
    sampler = build_sampler(args.sampler, args.sampler_kwargs)
    study = _load(args, sampler)
    trial = study.ask(fixed_distributions=space)
    _logger.info("Asked trial %d with parameters %s.", trial.number, trial.params)
    row = ask_row(trial.number, trial.params)
    print(render([row], ["number", "params"], args.format, flat=args.flatten, single=True), end="")
    return 0


def tell(args: argparse.Namespace) -> int:
    """Finish a trial with ``--values`` and/or ``--state``.

    Without ``--state`` the trial is COMPLETE when the values fit the study and FAIL (with a
    warning) otherwise, as :meth:`hpo.study.Study.tell` does.
    """
    from hpo.trial import TrialState

    study = _load(args)
    state = None if args.state is None else TrialState[args.state.upper()]
    values = args.values
    if values is not None and len(values) == 1:
        values = values[0]
    finished = study.tell(
        args.trial_number, values, state=state, skip_if_finished=args.skip_if_finished
    )
    _logger.info(
        "Told trial %d: state %s, values %s.",
        finished.number,
        finished.state.name,
        finished.values,
    )
    return 0

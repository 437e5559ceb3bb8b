"""HyperbandPruner: brackets, budgets, deterministic assignment, judging within a bracket."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import hpo
from hpo.pruners import HyperbandPruner
from hpo.pruners._hyperband import MAX_RESOURCE_KEY
from hpo.trial import TrialState
from tests.pruners.helpers import complete, first_pruned_step, make_study

ROOT = Path(__file__).resolve().parents[2]


def test_number_of_brackets_and_budgets() -> None:
    study = make_study(HyperbandPruner(min_resource=1, max_resource=81, reduction_factor=3))
    assert study.pruner.n_brackets(study) == 5
    assert study.pruner.budgets(study) == [81, 34, 15, 8, 5]
    pruner = HyperbandPruner(min_resource=3, max_resource=27, reduction_factor=3)
    assert pruner.n_brackets(study) == 3  # log_3(27 / 3) = 2
    assert pruner.budgets(study) == [9, 5, 3]
    assert HyperbandPruner(min_resource=5, max_resource=5).n_brackets(study) == 1


def brackets_in_this_process(name: str, count: int) -> list[int]:
    study = make_study(HyperbandPruner(max_resource=81), study_name=name)
    for _ in range(count):
        study.ask()
    return [study.pruner.bracket_id(study, t) for t in study.get_trials(deepcopy=False)]


def test_bracket_assignment_is_the_same_in_another_process() -> None:
    expected = brackets_in_this_process("shared-name", 60)
    code = (
        "import json, hpo\n"
        "s = hpo.create_study(study_name='shared-name',"
        " pruner=hpo.pruners.HyperbandPruner(max_resource=81))\n"
        "for _ in range(60): s.ask()\n"
        "print(json.dumps([s.pruner.bracket_id(s, t) for t in s.trials]))\n"
    )
    # A different hash seed would change Python's hash(); the bracket must not depend on it.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stdout) == expected
    assert len(set(expected)) > 1


def test_bracket_depends_on_the_study_name() -> None:
    assert brackets_in_this_process("a", 40) != brackets_in_this_process("b", 40)


def test_auto_max_resource_waits_for_a_complete_trial() -> None:
    study = make_study(HyperbandPruner(min_resource=1, reduction_factor=3))
    trial = study.ask()
    assert study.pruner.bracket_id(study, trial._cached_frozen_trial) is None
    assert study.pruner.n_brackets(study) is None
    for step in range(10):
        trial.report(100.0, step)
        assert not trial.should_prune()
    study.tell(trial, 100.0)
    study.add_trial(hpo.create_trial(value=1.0, intermediate_values={80: 1.0}))
    # Largest last step of COMPLETE trials is 80: floor(log_3 80) + 1 = 4 brackets.
    assert study.pruner.n_brackets(study) == 4
    assert study.system_attrs[MAX_RESOURCE_KEY] == 80.0
    assert study.pruner.bracket_id(study, study.trials[0]) in range(4)


def test_trials_compete_only_within_their_bracket() -> None:
    # min 1, max 9, eta 3: bracket b stops trials first at step 3 ** b.
    pruner = HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    study = make_study(pruner, study_name="brackets")
    seen: set[int] = set()
    for number in range(30):
        # Every trial is worse than all earlier ones, so it loses every rung it shares.
        value = float(number)
        trial = study.ask()
        bracket = pruner.bracket_id(study, trial._cached_frozen_trial)
        assert bracket is not None
        pruned_at = None
        for step in range(10):
            trial.report(value, step)
            if trial.should_prune():
                pruned_at = step
                break
        study.tell(
            trial,
            value if pruned_at is None else None,
            state=None if pruned_at is None else TrialState.PRUNED,
        )
        # The first trial of a bracket meets nobody at its rungs and runs to the end, even
        # though trials of other brackets recorded better values at the same rung numbers.
        expected = None if bracket not in seen else 3**bracket
        assert pruned_at == expected, (number, bracket)
        seen.add(bracket)
    assert len(seen) == 3


def test_maximize_within_a_bracket() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=1, reduction_factor=2)
    study = make_study(pruner, direction="maximize")  # one bracket: plain ASHA, rungs 1, 2, 4
    assert [first_pruned_step(study, [(s, v) for s in range(5)]) for v in (5.0, 6.0, 4.0)] == [
        None,
        None,
        1,
    ]


def test_bootstrap_count_applies_within_brackets() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=1, bootstrap_count=1)
    study = make_study(pruner)
    assert first_pruned_step(study, [(0, 1.0), (1, 1.0)]) == 1  # nobody else at rung 0 yet
    assert first_pruned_step(study, [(0, 0.5), (1, 0.5)]) is None


def test_completed_trial_history_is_read_for_auto_only_once() -> None:
    study = make_study(HyperbandPruner(), [complete({26: 1.0})])
    assert study.pruner.n_brackets(study) == 3
    study.add_trial(hpo.create_trial(value=1.0, intermediate_values={500: 1.0}))
    assert study.pruner.n_brackets(study) == 3  # brackets never change under running trials


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_resource": 0}, ValueError, "min_resource=0"),
        ({"min_resource": "auto"}, TypeError, "min_resource"),
        ({"max_resource": 0.5}, ValueError, "max_resource=0.5"),
        ({"max_resource": "big"}, ValueError, "'big'"),
        ({"reduction_factor": 1}, ValueError, "reduction_factor=1"),
        ({"bootstrap_count": -1}, ValueError, "bootstrap_count=-1"),
    ],
)
def test_invalid_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        HyperbandPruner(**kwargs)

"""Studies the report tests share: single- and multi-objective, empty, and hostile names."""

from __future__ import annotations

import re

import pytest

import hpo
from hpo.samplers import RandomSampler
from hpo.trial import TrialState, create_trial

# Markup in every user string: if the page ever stops escaping one, the browser test sees
# the script run (it writes "pwned" into the DOM) and the content tests see raw tags.
SCRIPT = "<script>document.body.setAttribute('data-x', 'pw' + 'ned')</script>"
IMAGE = "<img src=x onerror=\"document.body.setAttribute('data-y', 'pw' + 'ned')\">"


def figure_ids(page: str) -> list[str]:
    """The plot divs of a report page (one per figure), in page order."""
    return re.findall(r'<div id="(hpo-figure-\d+)"', page)


def _objective(trial: hpo.Trial) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    optimizer = trial.suggest_categorical("optimizer", ["adam", SCRIPT])
    trial.suggest_int(IMAGE, 1, 3)  # a parameter name with markup
    for step in range(3):
        trial.report(x * x + 1.0 / (step + 1), step)
    return x * x + 0.1 * lr + (optimizer == SCRIPT)


@pytest.fixture
def single() -> hpo.Study:
    """20 COMPLETE trials (with intermediate values), a pruned and a failed trial."""
    study = hpo.create_study(study_name=f"single {SCRIPT}", sampler=RandomSampler(seed=1))
    study.set_user_attr(IMAGE, SCRIPT)
    study.set_user_attr("owner", "alice")
    study.optimize(_objective, n_trials=20)
    study.add_trial(create_trial(state=TrialState.PRUNED, intermediate_values={0: 5.0}))
    study.add_trial(create_trial(state=TrialState.FAIL))
    return study


@pytest.fixture
def multi() -> hpo.Study:
    """Two objectives (minimize, maximize), 20 COMPLETE trials, no intermediate values."""
    study = hpo.create_study(
        study_name="multi", directions=["minimize", "maximize"], sampler=RandomSampler(seed=2)
    )
    study.optimize(
        lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1) + t.params["x"]),
        n_trials=20,
    )
    return study

"""Write the Optuna databases the import tests read, and describe studies for comparison.

Runs with any Optuna from 3.1 on (and without hpo), so that the same studies can be written by
old Optuna versions in a throwaway environment::

    python tests/storages/data/write_optuna_db.py tests/storages/data

writes ``optuna_<version>.sql`` (a text dump of the SQLite file, which the tests load into a
fresh file) and ``optuna_<version>.json`` (the studies as that Optuna read them back: what an
import must reproduce). The tests also call :func:`write_studies` with the installed Optuna.
"""

from __future__ import annotations

import datetime
import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import Any

STUDY_NAMES = ("single", "multi", "empty")
CHOICES = [None, 2, 2.5, "relu", True]


def _space(optuna: Any) -> dict[str, Any]:
    d = optuna.distributions
    return {
        "lr": d.FloatDistribution(1e-5, 1e-1, log=True),
        "dropout": d.FloatDistribution(0.0, 0.5, step=0.1),
        "width": d.FloatDistribution(-1.0, 1.0),
        "units": d.IntDistribution(16, 256, log=True),
        "layers": d.IntDistribution(1, 9, step=2),
        "act": d.CategoricalDistribution(CHOICES),
    }


def _params(i: int) -> dict[str, Any]:
    return {
        "lr": 10.0 ** (-1 - i % 4),
        "dropout": round(0.1 * (i % 6), 1),
        "width": -0.75 + 0.25 * i,
        "units": 16 * (1 + i % 8),
        "layers": 1 + 2 * (i % 5),
        "act": CHOICES[i % len(CHOICES)],
    }


def _ask_fixed(optuna: Any, study: Any, i: int) -> Any:
    """Start a trial whose parameters are fixed by an enqueued trial, as optimize would."""
    study.enqueue_trial(_params(i))
    trial = study.ask()
    space = _space(optuna)
    for name, dist in space.items():
        if isinstance(dist, optuna.distributions.CategoricalDistribution):
            trial.suggest_categorical(name, CHOICES)
        elif isinstance(dist, optuna.distributions.IntDistribution):
            trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
        else:
            trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)
    return trial


def write_studies(url: str) -> None:
    """Write the test studies into the (empty) Optuna database at ``url``."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    state = optuna.trial.TrialState
    storage = optuna.storages.RDBStorage(url)

    single = optuna.create_study(study_name="single", storage=storage)
    single.set_user_attr("team", {"name": "a", "members": [1, 2]})
    storage.set_study_system_attr(single._study_id, "origin", "tests")

    trial = _ask_fixed(optuna, single, 0)
    for step, value in enumerate([1.0, math.inf, math.nan, -math.inf, 0.25]):
        trial.report(value, step)
    trial.set_user_attr("note", "first")
    storage.set_trial_system_attr(trial._trial_id, "worker", {"host": "a", "pid": 7})
    single.tell(trial, 0.25)

    trial = _ask_fixed(optuna, single, 1)
    trial.report(0.5, 0)
    trial.report(0.4, 10)
    single.tell(trial, state=state.PRUNED)

    trial = _ask_fixed(optuna, single, 2)
    single.tell(trial, state=state.FAIL)

    trial = _ask_fixed(optuna, single, 3)
    single.tell(trial, math.inf)

    single.add_trial(
        optuna.trial.create_trial(
            params=_params(4),
            distributions=_space(optuna),
            value=-1.5,
            user_attrs={"source": "manual"},
            system_attrs={"constraints": [0.5, -1.0]},
            intermediate_values={0: -1.0, 3: -1.5},
        )
    )
    _ask_fixed(optuna, single, 5)  # left RUNNING
    single.enqueue_trial({"lr": 1e-3, "act": "relu"})  # left WAITING

    multi = optuna.create_study(
        study_name="multi", storage=storage, directions=["minimize", "maximize"]
    )
    multi.set_user_attr("metric_meaning", ["loss", "accuracy"])
    for i, values in enumerate([(1.0, -math.inf), (0.5, 3.0), (math.inf, 0.0)]):
        multi.add_trial(
            optuna.trial.create_trial(
                params={"x": 0.1 * i, "n": i},
                distributions={
                    "x": optuna.distributions.FloatDistribution(0.0, 1.0),
                    "n": optuna.distributions.IntDistribution(0, 5),
                },
                values=list(values),
                system_attrs={"constraints": [float(i) - 1.0]},
            )
        )
    trial = multi.ask()
    trial.suggest_float("x", 0.0, 1.0)
    multi.tell(trial, state=state.PRUNED)
    trial = multi.ask()
    multi.tell(trial, state=state.FAIL)

    optuna.create_study(study_name="empty", storage=storage, direction="maximize")
    storage.remove_session()
    storage.engine.dispose()


# -- describing studies, for comparisons --------------------------------------------------------
def _float(value: float) -> Any:
    return repr(value) if math.isinf(value) or math.isnan(value) else value


def _local_naive(value: datetime.datetime | None) -> str | None:
    """A datetime as naive local time: Optuna's form; an aware one is converted first."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.isoformat()


def _distribution(dist: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"kind": type(dist).__name__}
    for attr in ("low", "high", "log", "step"):
        if hasattr(dist, attr):
            found[attr] = getattr(dist, attr)
    if hasattr(dist, "choices"):
        found["choices"] = [[type(c).__name__, c] for c in dist.choices]
    return found


def describe_trial(trial: Any) -> dict[str, Any]:
    """Every field of a FrozenTrial (Optuna's or hpo's) as comparable JSON."""
    return {
        "number": trial.number,
        "state": trial.state.name,
        "values": None if trial.values is None else [_float(v) for v in trial.values],
        "params": {k: [type(v).__name__, v] for k, v in sorted(trial.params.items())},
        "distributions": {k: _distribution(d) for k, d in sorted(trial.distributions.items())},
        "intermediate_values": {
            str(step): _float(v) for step, v in sorted(trial.intermediate_values.items())
        },
        "user_attrs": trial.user_attrs,
        "system_attrs": trial.system_attrs,
        "datetime_start": _local_naive(trial.datetime_start),
        "datetime_complete": _local_naive(trial.datetime_complete),
    }


def describe_study(
    name: str, directions: Any, user_attrs: Any, system_attrs: Any, trials: Any
) -> dict[str, Any]:
    """A study and all its trials as comparable JSON."""
    return {
        "name": name,
        "directions": [d.name for d in directions],
        "user_attrs": user_attrs,
        "system_attrs": system_attrs,
        "trials": [describe_trial(t) for t in trials],
    }


def describe_optuna(url: str) -> list[dict[str, Any]]:
    """The studies of an Optuna database as Optuna itself reads them."""
    import optuna

    storage = optuna.storages.RDBStorage(url)
    described = []
    for name in STUDY_NAMES:
        study_id = storage.get_study_id_from_name(name)
        described.append(
            describe_study(
                name,
                storage.get_study_directions(study_id),
                storage.get_study_user_attrs(study_id),
                storage.get_study_system_attrs(study_id),
                storage.get_all_trials(study_id),
            )
        )
    storage.remove_session()
    storage.engine.dispose()
    return described


def main(out_dir: str) -> None:
    import optuna

    version = optuna.__version__
    path = Path(out_dir) / f"optuna_{version}.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    write_studies(url)
    expected = describe_optuna(url)
    connection = sqlite3.connect(path)
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    header = (
        f"-- An Optuna database written by Optuna {version} (schema revision {revision})\n"
        "-- with tests/storages/data/write_optuna_db.py; load it with sqlite3 executescript.\n"
    )
    dump = header + "\n".join(connection.iterdump()) + "\n"
    connection.close()
    path.unlink()
    (Path(out_dir) / f"optuna_{version}.sql").write_text(dump)
    (Path(out_dir) / f"optuna_{version}.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])

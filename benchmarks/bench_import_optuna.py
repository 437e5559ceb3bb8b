"""Importing an Optuna SQLite study of 10,000 trials into hpo, against Optuna's own copy.

The source is written by Optuna (``create_trial`` + ``study.add_trials``): N trials with 10
parameters (6 float, 2 int, 2 categorical), 5 intermediate values each, a user attribute;
nine in ten COMPLETE, the rest PRUNED. It is written once into ``--db-dir`` (a tmpfs by
default, where Optuna's thousands of commits cost no fsync) and reused by later runs.

Timed, each in a fresh process, into a new SQLite file on disk (``--out-dir``):

- ``hpo storage import-optuna --from ... --to ...``: the command end to end (interpreter
  start, imports, reading, writing);
- ``hpo.copy_study(from_storage=<Optuna URL>, ...)``: the call alone, and its two halves
  (reading the Optuna study; writing it into hpo in one transaction);
- ``optuna.copy_study`` between two SQLite files, Optuna's way of moving a study (capped at
  ``--cap`` seconds).

Each cell is the best of ``--repeats`` runs. Usage:
python benchmarks/bench_import_optuna.py [--trials N] [--repeats R] [--cap S] [--db-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import markdown_table, write_result

STUDY = "imported"

_WRITE_SOURCE = """
import math, random, sys
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
url, n_trials = sys.argv[1], int(sys.argv[2])
d = optuna.distributions
space = {f"f{i}": d.FloatDistribution(1e-4 if i % 2 else -5.0, 5.0, log=bool(i % 2))
         for i in range(6)}
space.update({"i0": d.IntDistribution(1, 128, log=True), "i1": d.IntDistribution(0, 20, step=2),
              "c0": d.CategoricalDistribution(["adam", "sgd", "rmsprop"]),
              "c1": d.CategoricalDistribution([None, 1, 2.5, "x"])})
rng = random.Random(0)
def params():
    found = {}
    for name, dist in space.items():
        if isinstance(dist, d.CategoricalDistribution):
            found[name] = rng.choice(dist.choices)
        elif isinstance(dist, d.IntDistribution):
            found[name] = rng.randrange(dist.low, dist.high + 1, dist.step) if not dist.log \\
                else int(round(math.exp(rng.uniform(0, math.log(dist.high)))))
        elif dist.log:
            found[name] = math.exp(rng.uniform(math.log(dist.low), math.log(dist.high)))
        else:
            found[name] = rng.uniform(dist.low, dist.high)
    return found
trials = []
for number in range(n_trials):
    curve = {step: rng.random() / (step + 1) for step in range(5)}
    pruned = number % 10 == 9
    trials.append(optuna.trial.create_trial(
        state=optuna.trial.TrialState.PRUNED if pruned else optuna.trial.TrialState.COMPLETE,
        value=None if pruned else rng.random(), params=params(), distributions=space,
        intermediate_values=curve, user_attrs={"worker": number % 7}))
study = optuna.create_study(study_name="imported", storage=url)
study.add_trials(trials)
"""

_HPO_COPY = """
import json, sys, time
start, start_cpu = time.perf_counter(), time.process_time()
import hpo
from hpo.storages._optuna._reader import OptunaDatabase
from hpo.storages import get_storage
imported, imported_cpu = time.perf_counter(), time.process_time()
source, target, mode = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "copy_study":
    hpo.copy_study(from_study_name="imported", from_storage=source, to_storage=target)
    done = time.perf_counter()
    print(json.dumps({"call": done - imported, "call_cpu": time.process_time() - imported_cpu}))
else:  # the two halves
    with OptunaDatabase(source) as database:
        study = database.read_study("imported")
    read, read_cpu = time.perf_counter(), time.process_time()
    get_storage(target)._create_study_with_trials(
        "imported", study.directions, study.user_attrs, study.system_attrs, study.trials
    )
    print(json.dumps({"read": read - imported, "read_cpu": read_cpu - imported_cpu,
                      "write": time.perf_counter() - read,
                      "write_cpu": time.process_time() - read_cpu}))
"""

_OPTUNA_COPY = """
import json, sys, time
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
start, start_cpu = time.perf_counter(), time.process_time()
optuna.copy_study(from_study_name="imported", from_storage=sys.argv[1], to_storage=sys.argv[2])
elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
print(json.dumps({"call": elapsed, "call_cpu": elapsed_cpu}))
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], timeout: float | None = None) -> tuple[float, float, str]:
    """Run ``python ARGS``; return its wall time, its CPU time and its standard output."""
    start, start_cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=True, timeout=timeout
    )
    return time.perf_counter() - start, _children_cpu() - start_cpu, done.stdout


def source_database(db_dir: Path, n_trials: int) -> str:
    path = db_dir / f"optuna_import_{n_trials}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"writing {n_trials} trials with Optuna into {path} ...", flush=True)
        seconds, _, _ = run(["-c", _WRITE_SOURCE, f"sqlite:///{partial}", str(n_trials)])
        partial.rename(path)
        print(f"  {seconds:.0f} s", flush=True)
    return url


def fresh(out_dir: Path, name: str) -> str:
    path = out_dir / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds for optuna.copy_study")
    shm = Path("/dev/shm")
    parser.add_argument("--db-dir", type=Path, default=shm if shm.is_dir() else None)
    parser.add_argument("--out-dir", type=Path, default=None)
    args = parser.parse_args()
    db_dir = args.db_dir or Path(tempfile.gettempdir())
    out_dir = args.out_dir or Path(tempfile.mkdtemp(prefix="bench_import_", dir="/var/tmp"))
    source = source_database(db_dir, args.trials)
    load_before = os.getloadavg()

    times: dict[str, list[tuple[float, float]]] = {
        key: [] for key in ("cli", "call", "read", "write")
    }
    for _ in range(args.repeats):
        target = fresh(out_dir, "hpo_cli.db")
        wall, cpu, _ = run(["-m", "hpo.cli", "storage", "import-optuna", "--from", source,
                            "--to", target])  # fmt: skip
        times["cli"].append((wall, cpu))
        _, _, out = run(["-c", _HPO_COPY, source, fresh(out_dir, "hpo_call.db"), "copy_study"])
        found = json.loads(out)
        times["call"].append((found["call"], found["call_cpu"]))
        _, _, out = run(["-c", _HPO_COPY, source, fresh(out_dir, "hpo_halves.db"), "halves"])
        found = json.loads(out)
        times["read"].append((found["read"], found["read_cpu"]))
        times["write"].append((found["write"], found["write_cpu"]))
    optuna_time: tuple[float, float] | None = None
    try:
        _, _, out = run(
            ["-c", _OPTUNA_COPY, source, fresh(out_dir, "optuna_copy.db")], timeout=args.cap
        )
        found = json.loads(out)
        optuna_time = (found["call"], found["call_cpu"])
    except subprocess.TimeoutExpired:
        pass
    load_after = os.getloadavg()

    best = {key: (min(w for w, _ in runs), min(c for _, c in runs)) for key, runs in times.items()}

    def ratio(column: int) -> str:
        if optuna_time is None:
            return f"> {args.cap / best['call'][column]:.0f}x" if column == 0 else "-"
        return f"{optuna_time[column] / best['call'][column]:.0f}x"

    def cells(key: str) -> list[str]:
        return [f"{best[key][0]:.2f}", f"{best[key][1]:.2f}"]

    rows = [
        ["hpo storage import-optuna (program, end to end)", *cells("cli"), "-"],
        ["hpo.copy_study from the Optuna URL (the call)", *cells("call"),
         f"{ratio(0)} (CPU {ratio(1)})"],
        ["  reading the Optuna study (SQL, read-only)", *cells("read"), "-"],
        ["  writing it into hpo (one transaction)", *cells("write"), "-"],
        [
            "optuna.copy_study, SQLite to SQLite",
            f"{optuna_time[0]:.2f}" if optuna_time else f"> {args.cap:.0f}",
            f"{optuna_time[1]:.2f}" if optuna_time else "-",
            "1x",
        ],
    ]  # fmt: skip
    table = markdown_table(["what", "wall s", "CPU s", "Optuna copy / this"], rows)
    text = "\n".join(
        [
            "# Importing an Optuna study into hpo",
            "",
            f"One Optuna SQLite study of {args.trials:,} trials (10 parameters, 5 intermediate "
            "values, a user attribute each; 10% PRUNED), written by Optuna "
            "(`create_trial` + `add_trials`). Destinations are new SQLite files on disk. Best "
            f"of {args.repeats} runs for hpo, one run of Optuna's copy; wall time and the "
            "process's CPU time (user + system, what a busy machine inflates least).",
            "",
            table,
            "",
            f"Target: the import of a 10,000-trial study takes at most 10 s. Machine: "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, shared; "
            f"load average {load_before[0]:.1f} before and {load_after[0]:.1f} after. All "
            "runs of hpo (wall s): program "
            + ", ".join(f"{w:.2f}" for w, _ in times["cli"])
            + "; call "
            + ", ".join(f"{w:.2f}" for w, _ in times["call"])
            + ".",
            "",
            "Command: `python benchmarks/bench_import_optuna.py"
            + (f" --trials {args.trials}" if args.trials != 10_000 else "")
            + "`",
        ]
    )
    path = write_result("import_optuna.md", text)
    print(text)
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()

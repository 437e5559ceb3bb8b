"""Dask workers: 3 workers against 1 on a study of a 50 ms objective, hpo and Optuna.

For each storage (SQLite file, PostgreSQL, the scheduler-held DaskStorage) and each library, a
study of ``--trials`` trials (200) whose objective suggests two floats and sleeps 50 ms runs on
a Dask ``LocalCluster`` of one worker process and then of three (one thread each). Timed: the
wall time of the run, on a fresh cluster per run, started and warmed up by a short untimed
run.

- hpo: ``hpo.integration.dask.optimize(study, objective, n_trials, client=client)``;
- Optuna: its documented Dask pattern, one ``client.submit(study.optimize, objective,
  n_trials=1, pure=False)`` per trial, with the same storage (``optuna_integration.DaskStorage``
  for the scheduler-held one).

Reported: wall times, the 3-worker/1-worker ratio (target for hpo: <= 0.45) and hpo/Optuna in
wall time per trial. Optuna runs ``--optuna-trials`` trials (50): each of its tasks unpickles
the study and opens a new connection to the storage, which makes a 200-trial run take minutes.
Writes ``benchmarks/results/dask.md``.

Usage:  python benchmarks/bench_dask.py [--trials 200] [--sleep 0.05]
        [--storages sqlite postgres dask] [--libraries hpo optuna] [--sampler tpe|random]
        [--output dask.md]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import load_libraries, markdown_table, write_result

SLEEP = 0.05
SAMPLER = "tpe"
OPTUNA_RUN_CAP = 180.0  # seconds


def objective(trial: Any) -> float:
    """Two floats and a 50 ms sleep (the sleep stands for training)."""
    x = trial.suggest_float("x", -10.0, 10.0)
    y = trial.suggest_float("y", -10.0, 10.0)
    time.sleep(SLEEP)
    return x * x + y * y


def database_url(kind: str, name: str, tmp: str, server: Any) -> str | None:
    """A new database for one run (None for the scheduler-held storage)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp}/{name}.db"
    if kind == "postgres":
        return str(server.create_database(name))
    return None


def make_storage(library: str, kind: str, url: str | None, client: Any) -> Any:
    if kind == "dask":
        if library == "hpo":
            from hpo.integration.dask import DaskStorage

            return DaskStorage(client=client)
        from optuna_integration import DaskStorage as OptunaDaskStorage

        return OptunaDaskStorage(client=client)
    return url


def run(libraries: dict[str, Any], library: str, client: Any, storage: Any, n: int) -> float:
    """Run ``n`` trials on the cluster; return the wall time; check the trial count."""
    import distributed

    module = libraries[library]
    sampler = module.samplers.RandomSampler() if SAMPLER == "random" else None
    study = module.create_study(storage=storage, sampler=sampler)
    start = time.perf_counter()
    if library == "hpo":
        from hpo.integration.dask import optimize

        optimize(study, objective, n_trials=n, client=client)
    else:
        futures = [
            client.submit(study.optimize, objective, n_trials=1, pure=False) for _ in range(n)
        ]
        # Bounded: a run that exhausts the database's connections can wait forever.
        distributed.wait(futures, timeout=OPTUNA_RUN_CAP)
        for future in futures:
            future.result()
    seconds = time.perf_counter() - start
    complete = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    assert len(complete) == n, (library, len(complete))
    assert len({t.number for t in study.get_trials(deepcopy=False)}) == len(study.trials)
    return seconds


def measure(
    libraries: dict[str, Any],
    key: tuple[str, str, int],
    client: Any,
    tmp: str,
    server: Any,
    n_trials: int,
) -> float:
    """A short untimed run to warm the workers up, then the timed run; return its seconds."""
    library, kind, n_workers = key
    warm_url = database_url(kind, f"{library}_{kind}_{n_workers}_w", tmp, server)
    run(libraries, library, client, make_storage(library, kind, warm_url, client), 2 * n_workers)
    url = database_url(kind, f"{library}_{kind}_{n_workers}", tmp, server)
    return run(libraries, library, client, make_storage(library, kind, url, client), n_trials)


def main() -> None:
    global SLEEP, SAMPLER
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--sleep", type=float, default=0.05)
    parser.add_argument("--storages", nargs="+", default=["sqlite", "postgres", "dask"])
    parser.add_argument("--libraries", nargs="+", default=["hpo", "optuna"])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--optuna-trials",
        type=int,
        default=50,
        help="trials of the Optuna runs (each of its tasks reconnects to the storage: slow)",
    )
    parser.add_argument(
        "--sampler", choices=["tpe", "random"], default="tpe", help="random: the Dask layer alone"
    )
    parser.add_argument("--output", default="dask.md")
    args = parser.parse_args()
    SLEEP, SAMPLER = args.sleep, args.sampler
    import distributed

    libraries = load_libraries(args.libraries)
    tmp = tempfile.mkdtemp()
    server = None
    if "postgres" in args.storages:
        from tests.postgres_server import start_postgres_server

        server = start_postgres_server()
    load_before = os.getloadavg()[0]
    times: dict[tuple[str, str, int], float] = {}
    failures: dict[tuple[str, str, int], str] = {}
    try:
        for kind in args.storages:
            for library in args.libraries:
                for n_workers in (1, args.workers):
                    key = (library, kind, n_workers)
                    n_trials = args.trials if library == "hpo" else args.optuna_trials
                    # A fresh cluster per run: a failed run cannot leave connections behind.
                    with (
                        distributed.LocalCluster(
                            n_workers=n_workers,
                            threads_per_worker=1,
                            processes=True,
                            dashboard_address=":0",
                        ) as cluster,
                        distributed.Client(cluster) as client,
                    ):
                        try:
                            times[key] = measure(libraries, key, client, tmp, server, n_trials)
                        except Exception as e:  # reported in the result; the others still run
                            failures[key] = f"{type(e).__name__}: {e}"
                            print(f"{key} failed: {failures[key]}", flush=True)
                            continue
                    print(f"{key}: {times[key]:.2f} s", flush=True)
    finally:
        if server is not None:
            server.stop()
    load_after = os.getloadavg()[0]

    n = args.workers
    rows = []
    for kind in args.storages:
        for library in args.libraries:
            one = times.get((library, kind, 1))
            many = times.get((library, kind, n))
            n_trials = args.trials if library == "hpo" else args.optuna_trials
            rows.append(
                [
                    library,
                    kind,
                    n_trials,
                    "failed" if one is None else f"{one:.2f}",
                    "failed" if many is None else f"{many:.2f}",
                    "-" if one is None or many is None else f"{many / one:.2f}",
                ]
            )
    ratio_rows = []
    if "hpo" in args.libraries and "optuna" in args.libraries:
        for kind in args.storages:
            for workers in (1, n):
                if ("hpo", kind, workers) not in times or ("optuna", kind, workers) not in times:
                    continue
                hpo_s = times[("hpo", kind, workers)] / args.trials
                optuna_s = times[("optuna", kind, workers)] / args.optuna_trials
                ratio_rows.append(
                    [kind, workers, f"{hpo_s * 1000:.0f}", f"{optuna_s * 1000:.0f}",
                     f"{hpo_s / optuna_s:.2f}"]
                )  # fmt: skip
    ideal = args.trials * args.sleep
    sampler_name = "default TPE" if args.sampler == "tpe" else "random"
    optuna_version = libraries["optuna"].__version__ if "optuna" in libraries else "-"
    text = "\n\n".join(
        [
            "# Dask workers: 3 against 1",
            f"{args.trials} trials of an objective that suggests two floats and sleeps "
            f"{args.sleep * 1000:.0f} ms ({sampler_name} sampler), on a Dask LocalCluster of "
            "worker processes with one thread each; a fresh cluster per run, started and warmed "
            "up before timing. "
            f"The sleeps alone take {ideal:.1f} s on one worker, {ideal / n:.1f} s on {n}. "
            f"hpo: `hpo.integration.dask.optimize`; Optuna {optuna_version}: "
            "one `client.submit(study.optimize, objective, n_trials=1, pure=False)` per trial "
            "(its documented Dask pattern), `optuna_integration.DaskStorage` for `dask`.",
            f"Machine: {os.cpu_count()} cores shared with other jobs; load average "
            f"{load_before:.1f} before, {load_after:.1f} after. One run each.",
            markdown_table(
                [
                    "library",
                    "storage",
                    "trials",
                    "1 worker (s)",
                    f"{n} workers (s)",
                    f"{n}/1 ratio",
                ],
                rows,
            ),
            "Target for hpo: ratio <= 0.45.",
            "\n".join(
                f"- {library} {kind} {workers} worker(s) failed: {message[:300]}"
                for (library, kind, workers), message in failures.items()
            ),
            markdown_table(
                ["storage", "workers", "hpo ms/trial", "Optuna ms/trial", "hpo / Optuna"],
                ratio_rows,
            )
            if ratio_rows
            else "",
        ]
    )
    path = write_result(args.output, text)
    print(text)
    print(f"written to {path}")


if __name__ == "__main__":
    main()

"""RDBStorage throughput: hpo and Optuna side by side on SQLite and PostgreSQL.

Measures, with RandomSampler and a trivial 2-parameter objective:

* trials/s on SQLite, PostgreSQL with one worker process and with four (aggregate);
* database round trips per trial on PostgreSQL (libpq calls that wait for the server);
* hpo's cost per trial over trials 9,000-10,000 relative to trials 0-1,000 of one study;
* ``load_study(...).trials`` on a 10,000-trial SQLite study in a fresh process (cold cache).

Every measurement runs in fresh processes. A throwaway PostgreSQL server is started unless
``--postgres-url`` is given (then each run gets its own study name on that database); it runs
with ``fsync=off`` and ``synchronous_commit=off`` unless ``--durable`` is given. The machine's
load average is printed: other processes on the machine change the numbers.

Usage::

    python benchmarks/bench_rdb.py             # 2,000 trials per configuration
    python benchmarks/bench_rdb.py --repeat 3  # each throughput cell 3 times: median and range
    python benchmarks/bench_rdb.py --durable   # PostgreSQL with fsync on
    python benchmarks/bench_rdb.py --quick     # a smoke run of a few seconds per cell
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import load_libraries, markdown_table, write_result


def _objective(trial: Any) -> float:
    x = trial.suggest_float("x", -10.0, 10.0)
    y = trial.suggest_int("y", 0, 10)
    return x * x + y


def _optimize_worker(
    library: str, url: str, study_name: str, n_trials: int, seed: int, queue: Any, barrier: Any
) -> None:
    module = load_libraries([library])[library]
    study = module.load_study(
        study_name=study_name, storage=url, sampler=module.samplers.RandomSampler(seed=seed)
    )
    barrier.wait()  # all workers start together, after their imports
    start = time.time()
    study.optimize(_objective, n_trials=n_trials)
    queue.put((start, time.time()))


def throughput(library: str, url: str, n_trials: int, n_workers: int) -> float:
    """Return trials/s of ``n_workers`` processes sharing one new study (aggregate)."""
    module = load_libraries([library])[library]
    study_name = f"bench-{uuid.uuid4().hex[:8]}"
    module.create_study(study_name=study_name, storage=url)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    barrier = context.Barrier(n_workers)
    per_worker = n_trials // n_workers
    processes = [
        context.Process(
            target=_optimize_worker,
            args=(library, url, study_name, per_worker, seed, queue, barrier),
        )
        for seed in range(n_workers)
    ]
    for process in processes:
        process.start()
    spans = [queue.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return per_worker * n_workers / elapsed


# libpq calls that send a request and wait for its answer: one round trip each.
_ROUND_TRIP_CALLS = (
    "exec_",
    "exec_params",
    "exec_prepared",
    "send_query",
    "send_query_params",
    "send_prepare",
    "send_query_prepared",
    "send_describe_prepared",
    "send_describe_portal",
)


def _round_trip_worker(library: str, url: str, study_name: str, n_trials: int, queue: Any) -> None:
    # The pure-Python libpq wrapper can be instrumented; the count does not depend on it.
    os.environ["PSYCOPG_IMPL"] = "python"
    from psycopg.pq import pq_ctypes

    calls = [0]
    for name in _ROUND_TRIP_CALLS:
        original = getattr(pq_ctypes.PGconn, name)

        def counted(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            calls[0] += 1
            return _original(*args, **kwargs)

        setattr(pq_ctypes.PGconn, name, counted)
    module = load_libraries([library])[library]
    study = module.load_study(
        study_name=study_name, storage=url, sampler=module.samplers.RandomSampler(seed=0)
    )
    study.optimize(_objective, n_trials=10)  # connections opened, statements prepared
    calls[0] = 0
    study.optimize(_objective, n_trials=n_trials)
    queue.put(calls[0] / n_trials)


def round_trips(library: str, url: str, n_trials: int = 200) -> float:
    """Return the database round trips per trial of one worker (PostgreSQL)."""
    module = load_libraries([library])[library]
    study_name = f"trips-{uuid.uuid4().hex[:8]}"
    module.create_study(study_name=study_name, storage=url)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(
        target=_round_trip_worker, args=(library, url, study_name, n_trials, queue)
    )
    process.start()
    result = float(queue.get(timeout=3600))
    process.join()
    return result


def _scaling_worker(url: str, n_trials: int, queue: Any) -> None:
    hpo = load_libraries(["hpo"])["hpo"]
    study = hpo.create_study(
        study_name="scaling", storage=url, sampler=hpo.samplers.RandomSampler(seed=0)
    )
    stamps: list[float] = []
    # Reading the study after each trial, as samplers that learn do, is what must stay cheap.
    study.optimize(
        _objective,
        n_trials=n_trials,
        callbacks=[
            lambda s, t: (len(s.get_trials(deepcopy=False)), stamps.append(time.perf_counter()))
        ],
    )
    queue.put(stamps)


def scaling(url: str, n_trials: int) -> tuple[float, float]:
    """Return hpo's seconds per trial over the first and the last 10% of one study."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_scaling_worker, args=(url, n_trials, queue))
    process.start()
    stamps = queue.get(timeout=3600)
    process.join()
    window = n_trials // 10
    early = (stamps[window] - stamps[0]) / window
    late = (stamps[-1] - stamps[-1 - window]) / window
    return early, late


def _load_worker(library: str, url: str, study_name: str, queue: Any) -> None:
    module = load_libraries([library])[library]
    start = time.perf_counter()
    trials = module.load_study(study_name=study_name, storage=url).trials
    queue.put((time.perf_counter() - start, len(trials)))


def cold_load(library: str, url: str, study_name: str) -> tuple[float, int]:
    """Return the seconds a fresh process takes for ``load_study(...).trials``."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_load_worker, args=(library, url, study_name, queue))
    process.start()
    result = queue.get(timeout=3600)
    process.join()
    return result


def _fill_optuna_study(url: str, n_trials: int) -> None:
    optuna = load_libraries(["optuna"])["optuna"]
    study = optuna.create_study(study_name="scaling", storage=url)
    dists = {
        "x": optuna.distributions.FloatDistribution(-10, 10),
        "y": optuna.distributions.IntDistribution(0, 10),
    }
    study.add_trials(
        [
            optuna.trial.create_trial(
                params={"x": (i % 200) / 10 - 10, "y": i % 11}, distributions=dists, value=float(i)
            )
            for i in range(n_trials)
        ]
    )


def _cell(rates: list[float]) -> str:
    if len(rates) == 1:
        return f"{rates[0]:,.0f}"
    return f"{statistics.median(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few trials; a smoke run")
    parser.add_argument("--postgres-url", help="use this database instead of a new server")
    parser.add_argument("--trials", type=int, default=None, help="trials per throughput cell")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each throughput cell")
    parser.add_argument("--durable", action="store_true", help="PostgreSQL with fsync on")
    args = parser.parse_args()
    n_trials = args.trials or (200 if args.quick else 2000)
    n_scaling = 2000 if args.quick else 10_000
    libraries = load_libraries()
    versions = {name: module.__version__ for name, module in libraries.items()}
    load_before = os.getloadavg()[0]
    print(f"load average before: {load_before:.2f}", flush=True)

    server = None
    if args.postgres_url is None:
        from tests.postgres_server import start_postgres_server

        server = start_postgres_server(durable=args.durable)

    def pg_url() -> str:
        if args.postgres_url is not None:
            return str(args.postgres_url)
        assert server is not None
        return server.create_database(f"bench_{uuid.uuid4().hex[:8]}")

    rows = []
    results: dict[tuple[str, str], list[float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            configurations = [
                (
                    "SQLite, 1 worker",
                    lambda lib: f"sqlite:///{tmp}/{lib}-{uuid.uuid4().hex}.db",
                    1,
                ),
                ("PostgreSQL, 1 worker", lambda lib: pg_url(), 1),
                ("PostgreSQL, 4 workers", lambda lib: pg_url(), 4),
            ]
            for label, make_url, workers in configurations:
                for _ in range(args.repeat):
                    for library in ("hpo", "optuna"):
                        rate = throughput(library, make_url(library), n_trials, workers)
                        results.setdefault((label, library), []).append(rate)
                        print(f"{label:<24} {library:<7} {rate:9,.0f} trials/s", flush=True)
                hpo_rate = statistics.median(results[(label, "hpo")])
                optuna_rate = statistics.median(results[(label, "optuna")])
                rows.append(
                    [
                        label,
                        _cell(results[(label, "hpo")]),
                        _cell(results[(label, "optuna")]),
                        f"{hpo_rate / optuna_rate:.1f}x",
                    ]
                )
            hpo_one = statistics.median(results[("PostgreSQL, 1 worker", "hpo")])
            hpo_four = statistics.median(results[("PostgreSQL, 4 workers", "hpo")])
            scale = hpo_four / hpo_one
            trips = {library: round_trips(library, pg_url()) for library in ("hpo", "optuna")}
            print(f"round trips per trial: {trips}", flush=True)

            hpo_url = f"sqlite:///{tmp}/scaling-hpo.db"
            early, late = scaling(hpo_url, n_scaling)
            print(
                f"hpo per-trial cost: {early * 1e3:.3f} ms early, {late * 1e3:.3f} ms late",
                flush=True,
            )
            optuna_url = f"sqlite:///{tmp}/scaling-optuna.db"
            _fill_optuna_study(optuna_url, n_scaling)
            hpo_load, hpo_n = cold_load("hpo", hpo_url, "scaling")
            optuna_load, optuna_n = cold_load("optuna", optuna_url, "scaling")
    finally:
        if server is not None:
            server.stop()

    table = markdown_table(
        ["configuration", "hpo trials/s", "Optuna trials/s", "hpo / Optuna"], rows
    )
    extra = markdown_table(
        ["measure", "value", "target"],
        [
            ["hpo PostgreSQL 4 workers / 1 worker", f"{scale:.2f}x", ">= 1.5x"],
            [
                "PostgreSQL round trips per trial, 1 worker (hpo vs Optuna)",
                f"{trips['hpo']:.1f} vs {trips['optuna']:.1f}",
                "",
            ],
            [
                f"hpo cost per trial, trials {n_scaling - n_scaling // 10}-{n_scaling} "
                f"vs 0-{n_scaling // 10}",
                f"{late / early:.2f}x ({late * 1e3:.3f} vs {early * 1e3:.3f} ms)",
                "<= 1.2x",
            ],
            [
                f"load_study(...).trials, {hpo_n:,} trials, cold (hpo vs Optuna {optuna_n:,})",
                f"{hpo_load * 1e3:.0f} ms vs {optuna_load * 1e3:.0f} ms "
                f"({optuna_load / hpo_load:.1f}x faster)",
                "",
            ],
        ],
    )
    server_kind = (
        "given PostgreSQL server"
        if args.postgres_url is not None
        else "PostgreSQL with fsync on"
        if args.durable
        else "PostgreSQL with fsync=off, synchronous_commit=off"
    )
    repeats = f", median (min-max) of {args.repeat} runs" if args.repeat > 1 else ""
    header = (
        f"RDBStorage, RandomSampler, 2-parameter objective, {n_trials:,} trials per cell"
        f"{repeats}, {server_kind}, hpo {versions['hpo']}, Optuna {versions['optuna']}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after"
    )
    text = f"{header}\n\n{table}\n\n{extra}\n"
    print()
    print(text)
    if not args.quick:
        write_result("rdb-durable.md" if args.durable else "rdb.md", text)


if __name__ == "__main__":
    main()

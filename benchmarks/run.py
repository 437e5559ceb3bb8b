"""Run every benchmark (hpo and Optuna side by side) and collect the tables.

Usage:  python benchmarks/run.py [--quick] [NAME ...]

NAME is a script's short name (core, rdb, tpe_speed, tpe_quality, pruners, journal,
samplers); all of them by default. Each script prints its own table and writes it under
benchmarks/results/.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> dict[str, Path]:
    """Return the benchmark scripts by short name."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def main() -> int:
    scripts = available()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=[[], *scripts], default=[])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    failed = []
    for name in args.names or list(scripts):
        command = [sys.executable, str(scripts[name])]
        if args.quick:
            command.append("--quick")
        print(f"\n=== {name}: {' '.join(command)}", flush=True)
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

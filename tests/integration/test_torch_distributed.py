"""TorchDistributedTrial and TorchDistributedStudy over two real gloo processes.

tests/integration/distributed_scripts/run_study.py runs in two processes that form a
``torch.distributed`` group on a free local TCP port; each writes what it saw.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.trial import TrialState
from tests.integration.distributed_support import (
    assert_import_names_extra,
    run_once_per_session,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "distributed_scripts" / "run_study.py"
SCENARIOS = ["params", "error", "early_return", "bad_range"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every scenario, run once per session by one group of two gloo processes."""
    return run_once_per_session(tmp_path_factory, "torch2", run_group)


def run_group(out_dir: Path) -> None:
    """Run every scenario in two gloo processes that write their records to ``out_dir``."""
    url = f"sqlite:///{out_dir / 'torch.db'}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WORLD_SIZE": "2",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(_free_port()),
    }
    command = [sys.executable, str(SCRIPT), "torch", ",".join(SCENARIOS), url, str(out_dir)]
    processes = [
        subprocess.Popen(
            command,
            env={**env, "RANK": str(rank)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for rank in range(2)
    ]
    try:
        # A rank waiting forever for the other fails the test instead of hanging.
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for p in processes:
            p.kill()
            p.wait()
    for p, (_, stderr) in zip(processes, outputs):
        assert p.returncode == 0, stderr


def results(out_dir: Path, scenario: str) -> tuple[list[Any], hpo.Study]:
    records = [json.loads((out_dir / f"{scenario}.{rank}.json").read_text()) for rank in (0, 1)]
    study = hpo.load_study(study_name=scenario, storage=f"sqlite:///{out_dir / 'torch.db'}")
    return records, study


@pytest.mark.slow
def test_both_processes_see_rank_zeros_parameters_and_pruning(two_ranks: Path) -> None:
    (rank0, rank1), study = results(two_ranks, "params")
    assert rank0["error"] is None and rank1["error"] is None
    assert rank0["seen"] == rank1["seen"]
    trials = study.get_trials(deepcopy=False)
    assert [t.state for t in trials] == [
        TrialState.COMPLETE,
        TrialState.PRUNED,
        TrialState.COMPLETE,
    ]
    assert [r.get("pruned", False) for r in rank1["seen"]] == [False, True, False]
    for record, trial in zip(rank1["seen"], trials):
        assert {k: record[k] for k in ("x", "n", "kind")} == trial.params
    assert trials[2].user_attrs == {"rank_count": 2}


@pytest.mark.slow
def test_an_exception_on_rank_one_fails_the_trial_on_both(two_ranks: Path) -> None:
    records, study = results(two_ranks, "error")
    assert [r["error"] for r in records] == [
        {"type": "ValueError", "message": "boom on rank 1"}
    ] * 2
    assert [t.state for t in study.get_trials(deepcopy=False)] == [TrialState.FAIL]
    records, study = results(two_ranks, "early_return")
    assert [r["error"]["type"] for r in records] == ["RuntimeError"] * 2
    assert [t.state for t in study.get_trials(deepcopy=False)] == [TrialState.FAIL]


@pytest.mark.slow
def test_rank_zeros_error_reaches_rank_one_without_a_study_wrapper(two_ranks: Path) -> None:
    # Rank 0 runs study.optimize with TorchDistributedTrial(trial), rank 1 calls the objective
    # with TorchDistributedTrial(None): an invalid range is rejected on both.
    records, study = results(two_ranks, "bad_range")
    for record in records:
        assert record["error"]["type"] == "ValueError"
        assert "'y'" in record["error"]["message"]
        assert len(record["seen"]) == 2
    assert records[0]["seen"] == records[1]["seen"]
    states = [t.state for t in study.get_trials(deepcopy=False)]
    assert states == [TrialState.COMPLETE, TrialState.FAIL]


def test_trial_without_an_initialized_group_says_so() -> None:
    from hpo.integration import TorchDistributedTrial

    with pytest.raises(RuntimeError, match=r"torch\.distributed is not initialized"):
        TorchDistributedTrial(None)


def test_importing_without_torch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_import_names_extra(monkeypatch, "hpo.integration.pytorch_distributed", "torch", "torch")

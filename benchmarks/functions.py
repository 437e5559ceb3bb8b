"""Test functions for sampler benchmarks, written against the common ``trial.suggest_*`` API.

Every single-objective function is minimized and has a known optimum. Each objective takes a
trial from hpo or Optuna alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Objective = Callable[[Any], Any]


@dataclass(frozen=True)
class Problem:
    """A benchmark problem: an objective, its optimum and a short description."""

    name: str
    objective: Objective
    optimum: float
    description: str
    directions: tuple[str, ...] = ("minimize",)
    reference_point: tuple[float, ...] = ()


def _floats(trial: Any, n: int, low: float, high: float) -> np.ndarray:
    return np.array([trial.suggest_float(f"x{i}", low, high) for i in range(n)])


def branin(trial: Any) -> float:
    x1 = trial.suggest_float("x1", -5.0, 10.0)
    x2 = trial.suggest_float("x2", 0.0, 15.0)
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


_HARTMANN_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_HARTMANN_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(trial: Any) -> float:
    x = _floats(trial, 6, 0.0, 1.0)
    inner = np.sum(_HARTMANN_A * (x - _HARTMANN_P) ** 2, axis=1)
    return float(-np.sum(_HARTMANN_ALPHA * np.exp(-inner)))


def rosenbrock10(trial: Any) -> float:
    x = _floats(trial, 10, -5.0, 10.0)
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def styblinski_tang10(trial: Any) -> float:
    x = _floats(trial, 10, -5.0, 5.0)
    return float(0.5 * np.sum(x**4 - 16 * x**2 + 5 * x))


def ackley10(trial: Any) -> float:
    x = _floats(trial, 10, -32.768, 32.768)
    return float(
        -20 * np.exp(-0.2 * np.sqrt(np.mean(x**2)))
        - np.exp(np.mean(np.cos(2 * np.pi * x)))
        + 20
        + math.e
    )


def levy10(trial: Any) -> float:
    x = _floats(trial, 10, -10.0, 10.0)
    w = 1 + (x - 1) / 4
    head = np.sin(np.pi * w[0]) ** 2
    body = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(np.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + np.sin(2 * np.pi * w[-1]) ** 2)
    return float(head + body + tail)


_OFFSETS = {"relu": 0.0, "tanh": 0.6, "sigmoid": 1.5, "linear": 3.0}


def mixed(trial: Any) -> float:
    """Ints (linear, log, stepped), a stepped float and a categorical; optimum 0."""
    layers = trial.suggest_int("layers", 1, 12)
    units = trial.suggest_int("units", 4, 1024, log=True)
    batch = trial.suggest_int("batch", 16, 256, step=16)
    dropout = trial.suggest_float("dropout", 0.0, 0.8, step=0.05)
    activation = trial.suggest_categorical("activation", list(_OFFSETS))
    return (
        0.3 * (layers - 5) ** 2
        + 4.0 * (math.log2(units) - 7) ** 2
        + ((batch - 96) / 32) ** 2
        + 20.0 * (dropout - 0.25) ** 2
        + _OFFSETS[activation]
    )


def conditional(trial: Any) -> float:
    """A define-by-run space: each branch has its own parameters; optimum 0 (branch "b")."""
    branch = trial.suggest_categorical("branch", ["a", "b", "c"])
    if branch == "a":
        x = trial.suggest_float("a_x", -5.0, 5.0)
        y = trial.suggest_float("a_y", -5.0, 5.0)
        return 1.0 + (x - 1) ** 2 + (y + 2) ** 2
    if branch == "b":
        u = trial.suggest_float("b_u", 1e-4, 1.0, log=True)
        v = trial.suggest_int("b_v", 0, 30)
        w = trial.suggest_float("b_w", -2.0, 2.0)
        return (math.log10(u) + 2.5) ** 2 + 0.1 * abs(v - 17) + (w - 0.3) ** 2
    n = trial.suggest_int("c_n", 1, 100, log=True)
    return 0.5 + abs(math.log(n) - 2.0)


def zdt1(trial: Any) -> tuple[float, float]:
    x = _floats(trial, 5, 0.0, 1.0)
    g = 1 + 9 * np.mean(x[1:])
    return float(x[0]), float(g * (1 - math.sqrt(x[0] / g)))


def zdt2(trial: Any) -> tuple[float, float]:
    x = _floats(trial, 5, 0.0, 1.0)
    g = 1 + 9 * np.mean(x[1:])
    return float(x[0]), float(g * (1 - (x[0] / g) ** 2))


def fonseca_fleming(trial: Any) -> tuple[float, float]:
    x = _floats(trial, 3, -4.0, 4.0)
    shift = 1 / math.sqrt(3)
    return (
        float(1 - np.exp(-np.sum((x - shift) ** 2))),
        float(1 - np.exp(-np.sum((x + shift) ** 2))),
    )


SINGLE_OBJECTIVE: dict[str, Problem] = {
    p.name: p
    for p in [
        Problem("branin", branin, 0.397887, "Branin, 2 floats"),
        Problem("hartmann6", hartmann6, -3.32237, "Hartmann, 6 floats"),
        Problem("rosenbrock10", rosenbrock10, 0.0, "Rosenbrock, 10 floats"),
        Problem("styblinski_tang10", styblinski_tang10, -391.6617, "Styblinski-Tang, 10 floats"),
        Problem("ackley10", ackley10, 0.0, "Ackley, 10 floats"),
        Problem("levy10", levy10, 0.0, "Levy, 10 floats"),
        Problem("mixed", mixed, 0.0, "3 ints (linear, log, stepped), stepped float, categorical"),
        Problem("conditional", conditional, 0.0, "define-by-run: 3 branches, 1-3 params each"),
    ]
}

MULTI_OBJECTIVE: dict[str, Problem] = {
    p.name: p
    for p in [
        Problem("zdt1", zdt1, 0.0, "ZDT1, 5 floats", ("minimize", "minimize"), (1.1, 11.0)),
        Problem("zdt2", zdt2, 0.0, "ZDT2, 5 floats", ("minimize", "minimize"), (1.1, 11.0)),
        Problem(
            "fonseca_fleming",
            fonseca_fleming,
            0.0,
            "Fonseca-Fleming, 3 floats",
            ("minimize", "minimize"),
            (1.0, 1.0),
        ),
    ]
}


def dtlz2(trial: Any) -> tuple[float, float, float]:
    """DTLZ2 with 3 objectives and 7 floats in [0, 1]; the front is the unit sphere's octant."""
    x = _floats(trial, 7, 0.0, 1.0)
    g = float(np.sum((x[2:] - 0.5) ** 2))
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return (
        (1 + g) * math.cos(a) * math.cos(b),
        (1 + g) * math.cos(a) * math.sin(b),
        (1 + g) * math.sin(a),
    )


DTLZ2 = Problem(
    "dtlz2",
    dtlz2,
    0.0,
    "DTLZ2, 3 objectives, 7 floats",
    ("minimize", "minimize", "minimize"),
    (1.5, 1.5, 1.5),
)

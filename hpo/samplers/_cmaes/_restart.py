"""Restart strategies: IPOP (Auger and Hansen, CEC 2005) and BIPOP (Hansen, GECCO 2009).

When a run stops (see :meth:`CmaEs.should_stop`), a new run starts from a mean drawn
uniformly in the unit cube. IPOP multiplies the population size by ``inc_popsize`` at each
restart. BIPOP alternates two regimes: *large* runs, whose population grows by ``inc_popsize``
each time, with the initial step size; and *small* runs, with a population between the default
and half the current large one (``default * (large / (2 * default))^(U^2)``) and a step size
``sigma0 * 10^(-2U)``, ``U`` uniform in ``[0, 1]``. The regime that has used fewer
evaluations so far runs next; the first run counts as a large one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

RESTART_STRATEGIES = ("ipop", "bipop")


def initial_book() -> dict[str, Any]:
    """Return the bookkeeping of a first run (JSON-compatible)."""
    return {"n_restarts": 0, "n_large": 0, "evals_small": 0, "evals_large": 0, "regime": "large"}


def next_run(
    strategy: str,
    book: dict[str, Any],
    finished_evals: int,
    default_popsize: int,
    inc_popsize: int,
    sigma0: float,
    rng: np.random.Generator,
) -> tuple[int, float, dict[str, Any]]:
    """Choose the population size and step size of the next run.

    Parameters
    ----------
    strategy:
        ``"ipop"`` or ``"bipop"``.
    book:
        The bookkeeping of the runs so far (not modified).
    finished_evals:
        Evaluations used by the run that just stopped.
    default_popsize:
        Population size of the first run.
    inc_popsize:
        Factor by which large populations grow at each (large) restart.
    sigma0:
        Initial step size of the first run.
    rng:
        Source of the small-regime draws.

    Returns
    -------
    tuple[int, float, dict[str, Any]]
        Population size, step size and the new bookkeeping.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> popsize, sigma, book = next_run("ipop", initial_book(), 100, 10, 2, 0.2, rng)
    >>> popsize, sigma, book["n_restarts"]
    (20, 0.2, 1)
    """
    book = dict(book)
    book[f"evals_{book['regime']}"] += int(finished_evals)
    book["n_restarts"] += 1
    if strategy == "ipop":
        book["n_large"] += 1
        return default_popsize * inc_popsize ** book["n_large"], sigma0, book
    large_popsize = default_popsize * inc_popsize ** book["n_large"]
    if book["evals_small"] < book["evals_large"]:
        u = float(rng.random())
        ratio = max(1.0, 0.5 * large_popsize / default_popsize)
        popsize = max(2, math.floor(default_popsize * ratio ** (u * u)))
        book["regime"] = "small"
        return popsize, sigma0 * 10 ** (-2 * float(rng.random())), book
    book["n_large"] += 1
    book["regime"] = "large"
    return default_popsize * inc_popsize ** book["n_large"], sigma0, book

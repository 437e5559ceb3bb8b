"""The constant liar: RUNNING trials as bad observations, shared between workers.

Under the constant liar a RUNNING trial joins the bad group, so the next proposals keep away
from the region it is evaluating. A trial records its parameters one by one as the objective
asks for them; until it has all of them, a worker reading the database would not know where
the trial is. So when the sampler makes a trial's relative proposal, it also stores the
proposal with the trial, as the JSON text of ``{parameter name: internal value}`` in the
trial system attribute :data:`PROPOSAL_KEY` (one storage write, just before the trial's
first parameter). A RUNNING trial then counts as a liar from its first suggestion on, in
every process: its recorded parameters are used where it has them, its stored proposal for
the others.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hpo._keys import FIXED_PARAMS_KEY
from hpo.distributions import BaseDistribution
from hpo.samplers._tpe._observations import internal_value
from hpo.trial import FrozenTrial, TrialState

#: Trial system attribute: the JSON text of the sampler's relative proposal for the trial,
#: parameter name to internal value.
PROPOSAL_KEY = "tpe:proposal"

#: Whether proposals are stored and read. Only benchmarks turn it off, to measure the liar
#: that sees recorded parameters alone (as before proposals were shared).
_SHARE_PROPOSALS = True


def proposal_text(
    trial: FrozenTrial,
    internal: Mapping[str, float],
    search_space: Mapping[str, BaseDistribution],
) -> str | None:
    """Return the JSON text to store for a trial's relative proposal, or None for nothing.

    Each value is stored as the trial will record it (its external value converted back).
    Parameters the trial takes from an enqueued trial's fixed values are left out: the trial
    will not use the proposal for them.

    Parameters
    ----------
    trial:
        The RUNNING trial the proposal is for.
    internal:
        Parameter name to proposed internal value.
    search_space:
        Parameter name to distribution, for every name in ``internal``.

    Returns
    -------
    str or None
        The JSON text, or None when the trial is not RUNNING, proposals are not shared or no
        proposed value is left.

    Examples
    --------
    >>> from hpo.distributions import IntDistribution
    >>> from hpo.trial import create_trial
    >>> trial = create_trial(state=TrialState.RUNNING)
    >>> proposal_text(trial, {"n": 2.9999999}, {"n": IntDistribution(0, 5)})
    '{"n": 3.0}'
    """
    if not _SHARE_PROPOSALS or trial.state != TrialState.RUNNING:
        return None
    fixed = trial.system_attrs.get(FIXED_PARAMS_KEY)
    if not isinstance(fixed, Mapping):
        fixed = {}
    stored: dict[str, float] = {}
    for name, value in internal.items():
        if name in fixed or name in trial.params:
            continue
        dist = search_space[name]
        stored[name] = float(dist.to_internal_repr(dist.to_external_repr(value)))
    if not stored:
        return None
    return json.dumps(stored, allow_nan=False)


def stored_proposal(trial: FrozenTrial) -> dict[str, float]:
    """Return the well-formed entries of a trial's stored proposal.

    Anything else (no proposal, text that is not JSON, JSON that is not an object, values
    that are not finite numbers) is ignored: the attribute may come from another version of
    the sampler or from anyone who can write to the database.

    Parameters
    ----------
    trial:
        A trial, usually RUNNING.

    Returns
    -------
    dict[str, float]
        Parameter name to internal value; empty when there is nothing usable.

    Examples
    --------
    >>> from hpo.trial import create_trial
    >>> trial = create_trial(state=TrialState.RUNNING)
    >>> trial.system_attrs[PROPOSAL_KEY] = '{"x": 0.5, "y": "high", "z": NaN}'
    >>> stored_proposal(trial)
    {'x': 0.5}
    >>> trial.system_attrs[PROPOSAL_KEY] = "{not json"
    >>> stored_proposal(trial)
    {}
    """
    raw: Any = trial.system_attrs.get(PROPOSAL_KEY)
    if raw is None or not _SHARE_PROPOSALS:
        return {}
    if isinstance(raw, str):
        # Every suggestion reads the proposals of all RUNNING trials: parse each text once.
        return dict(_parse_proposal(raw))
    return dict(_well_formed(raw))


@functools.lru_cache(maxsize=4096)
def _parse_proposal(text: str) -> tuple[tuple[str, float], ...]:
    try:
        raw = json.loads(text)
    except ValueError:
        return ()
    return _well_formed(raw)


def _well_formed(raw: Any) -> tuple[tuple[str, float], ...]:
    """The ``(name, finite float)`` entries of a decoded proposal; nothing if not an object."""
    if not isinstance(raw, dict):
        return ()
    return tuple(
        (name, float(value))
        for name, value in raw.items()
        if isinstance(name, str)
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


class Liars:
    """The RUNNING trials that count as bad observations for one search space.

    Parameters
    ----------
    trials:
        The liars, in the order of ``values``.
    values:
        Parameter name to the liars' internal values, one per trial.
    names:
        Per trial, the parameters it has recorded or was proposed (all of them, not only
        those of the search space).
    """

    def __init__(
        self,
        trials: list[FrozenTrial],
        values: dict[str, np.ndarray],
        names: list[frozenset[str]],
    ) -> None:
        self.trials = trials
        self.values = values
        self.names = names

    @property
    def numbers(self) -> tuple[int, ...]:
        """The liars' trial numbers."""
        return tuple(t.number for t in self.trials)

    def __len__(self) -> int:
        return len(self.trials)

    def select(self, keep: Sequence[bool]) -> Liars:
        """Return the liars for which ``keep`` is true."""
        mask = np.asarray(keep, dtype=bool).reshape(len(self.trials))
        return Liars(
            [t for t, k in zip(self.trials, mask) if k],
            {name: column[mask] for name, column in self.values.items()},
            [n for n, k in zip(self.names, mask) if k],
        )

    def with_exactly(self, names: Sequence[str]) -> dict[str, np.ndarray]:
        """The values of the liars whose parameters are exactly ``names``."""
        wanted = frozenset(names)
        mask = np.array([n == wanted for n in self.names], dtype=bool)
        return {name: self.values[name][mask] for name in names}


def find_liars(
    running: Sequence[FrozenTrial],
    trial: FrozenTrial,
    search_space: Mapping[str, BaseDistribution],
) -> Liars:
    """Return the RUNNING trials other than ``trial`` with a value for every parameter.

    A value is the trial's recorded parameter if it has one, else its stored proposal's,
    provided the proposed value belongs to the parameter's distribution in ``search_space``.

    Parameters
    ----------
    running:
        The study's RUNNING trials.
    trial:
        The trial being sampled (never its own liar).
    search_space:
        Parameter name to distribution.

    Returns
    -------
    Liars
        The liars and their values.

    Examples
    --------
    >>> from hpo.distributions import FloatDistribution
    >>> from hpo.trial import create_trial
    >>> other = create_trial(state=TrialState.RUNNING)
    >>> other.number = 1
    >>> other.system_attrs[PROPOSAL_KEY] = '{"x": 0.25}'
    >>> this = create_trial(state=TrialState.RUNNING)
    >>> find_liars([other], this, {"x": FloatDistribution(0, 1)}).values["x"].tolist()
    [0.25]
    """
    names = list(search_space)
    trials: list[FrozenTrial] = []
    rows: list[list[float]] = []
    known: list[frozenset[str]] = []
    for other in running:
        if other.number == trial.number:
            continue
        params = other.params
        proposal = stored_proposal(other)
        row: list[float] = []
        for name in names:
            if name in params:
                row.append(internal_value(other.distributions[name], params[name]))
                continue
            value = proposal.get(name)
            if value is None or not search_space[name]._contains(value):
                break
            row.append(value)
        else:
            trials.append(other)
            rows.append(row)
            known.append(frozenset(params).union(proposal))
    matrix = np.array(rows, dtype=float).reshape(len(rows), len(names))
    values = {name: matrix[:, column] for column, name in enumerate(names)}
    return Liars(trials, values, known)

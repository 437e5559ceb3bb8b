"""Checks of the arguments of Study's public methods, run before anything is written.

Each check raises a ``TypeError`` or ``ValueError`` whose message names the argument, its
value and, for a wrong type, the type expected, so that bad input never reaches a storage.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from hpo.distributions import BaseDistribution
from hpo.pruners import BasePruner
from hpo.samplers import BaseSampler
from hpo.trial import FrozenTrial, TrialState
from hpo.trial._base import check_param_name

_FIXED_VALUE_TYPES = (type(None), bool, int, float, str)


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


def _check_optional_instance(name: str, value: Any, cls: type, example: str) -> None:
    if value is not None and not isinstance(value, cls):
        raise TypeError(
            f"{name} must be a {name} object such as {example} or None, got {_describe(value)}."
        )


def check_sampler(sampler: Any) -> None:
    """Raise a TypeError unless ``sampler`` is None or a :class:`BaseSampler`."""
    _check_optional_instance("sampler", sampler, BaseSampler, "hpo.samplers.TPESampler()")


def check_pruner(pruner: Any) -> None:
    """Raise a TypeError unless ``pruner`` is None or a :class:`BasePruner`."""
    _check_optional_instance("pruner", pruner, BasePruner, "hpo.pruners.MedianPruner()")


def check_study_name(study_name: Any, *, optional: bool) -> None:
    """Raise a TypeError unless ``study_name`` is a str (or None when ``optional``)."""
    if study_name is None and optional:
        return
    if not isinstance(study_name, str):
        expected = "a str or None" if optional else "a str"
        raise TypeError(f"study_name must be {expected}, got {_describe(study_name)}.")


def check_states(states: Any) -> None:
    """Raise a TypeError unless ``states`` is None or a collection of :class:`TrialState`."""
    if states is None:
        return
    if isinstance(states, (str, bytes, TrialState)) or not hasattr(states, "__contains__"):
        raise TypeError(
            f"states must be a collection of TrialState such as (TrialState.COMPLETE,) or "
            f"None, got {_describe(states)}."
        )
    if isinstance(states, Iterable):
        for state in states:
            if not isinstance(state, TrialState):
                raise TypeError(
                    f"states must hold TrialState members, got {_describe(state)} in {states!r}."
                )


def check_tell_state(state: Any) -> None:
    """Raise a TypeError unless ``state`` is None or a :class:`TrialState`."""
    if state is not None and not isinstance(state, TrialState):
        raise TypeError(
            f"state must be a TrialState such as TrialState.COMPLETE or None, got "
            f"{_describe(state)}."
        )


def check_fixed_distributions(
    fixed_distributions: Any,
) -> Mapping[str, BaseDistribution]:
    """Return ``fixed_distributions`` (empty for None) after checking names and values."""
    if fixed_distributions is None:
        return {}
    if not isinstance(fixed_distributions, Mapping):
        raise TypeError(
            f"fixed_distributions must be a dict of name to distribution, got "
            f"{_describe(fixed_distributions)}."
        )
    for name, distribution in fixed_distributions.items():
        check_param_name(name)
        if not isinstance(distribution, BaseDistribution):
            raise TypeError(
                f"fixed_distributions[{name!r}] must be a distribution such as "
                f"FloatDistribution(0, 1), got {_describe(distribution)}."
            )
    return fixed_distributions


def check_enqueued_params(params: Any) -> dict[str, Any]:
    """Return a copy of the parameters of ``enqueue_trial`` as plain Python values.

    Raises
    ------
    TypeError
        If ``params`` is not a dict, a name is not a str, or a value is not None, bool, int,
        float or str (numpy scalars are converted).
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of name to value, got {_describe(params)}.")
    checked: dict[str, Any] = {}
    for name, value in params.items():
        check_param_name(name)
        if isinstance(value, np.generic):
            value = value.item()
        if value.__class__ not in _FIXED_VALUE_TYPES:
            raise TypeError(
                f"params[{name!r}] must be None, bool, int, float or str, got {_describe(value)}."
            )
        checked[name] = value
    return checked


def check_attrs(name: str, attrs: Any) -> None:
    """Raise a TypeError unless ``attrs`` is None or a dict with str keys."""
    if attrs is None:
        return
    if not isinstance(attrs, dict):
        raise TypeError(f"{name} must be a dict or None, got {_describe(attrs)}.")
    for key in attrs:
        if not isinstance(key, str):
            raise TypeError(f"{name} keys must be str, got {_describe(key)}.")


def check_trial_to_add(trial: Any, n_objectives: int) -> None:
    """Check a trial given to ``add_trial``.

    Raises
    ------
    TypeError
        If ``trial`` is not a :class:`FrozenTrial` or has fields of the wrong type.
    ValueError
        If it is RUNNING, inconsistent, or its values do not match the objectives.
    """
    if not isinstance(trial, FrozenTrial):
        raise TypeError(
            f"trial must be a FrozenTrial, made with hpo.trial.create_trial, got "
            f"{_describe(trial)}."
        )
    trial._validate()
    if trial.state == TrialState.RUNNING:
        raise ValueError(
            "add_trial cannot add a RUNNING trial: no worker runs it, so it would stay RUNNING "
            "for ever. Add it finished (COMPLETE, PRUNED or FAIL), or WAITING so that the "
            "next asked trial runs it."
        )
    values = trial._values
    if values is not None and len(values) != n_objectives:
        raise ValueError(
            f"The trial has {len(values)} value(s) but the study has {n_objectives} objective(s)."
        )


def check_optimize_arguments(
    func: Any,
    n_trials: Any,
    timeout: Any,
    n_jobs: Any,
    catch: Any,
    callbacks: Any,
) -> tuple[int, tuple[type[BaseException], ...], list[Callable[..., Any]]]:
    """Check the arguments of ``optimize``.

    Returns
    -------
    tuple
        The number of threads (``-1`` resolved by the caller is kept as is), the exception
        types to catch as a tuple, and the callbacks as a list.

    Raises
    ------
    TypeError
        For a ``func`` that is not callable, or an argument of the wrong type.
    ValueError
        For a negative ``n_trials``, a ``timeout`` that is not positive, or ``n_jobs`` below 1
        (other than -1).
    """
    if not callable(func):
        raise TypeError(
            f"func must be a callable objective taking a trial, got {_describe(func)}."
        )
    if n_trials is not None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral):
            raise TypeError(f"n_trials must be an int or None, got {_describe(n_trials)}.")
        if int(n_trials) < 0:
            raise ValueError(f"n_trials={n_trials!r} must be a non-negative integer or None.")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real):
            raise TypeError(
                f"timeout must be a number of seconds or None, got {_describe(timeout)}."
            )
        if math.isnan(timeout) or not float(timeout) > 0:
            raise ValueError(f"timeout={timeout!r} must be a positive number of seconds or None.")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise ValueError(f"n_jobs={n_jobs!r} must be a positive integer or -1.")
    if n_jobs < 1 and n_jobs != -1:
        raise ValueError(f"n_jobs={n_jobs!r} must be a positive integer or -1.")
    return int(n_jobs), _catch_types(catch), _callback_list(callbacks)


def _catch_types(catch: Any) -> tuple[type[BaseException], ...]:
    if isinstance(catch, type):
        catch = (catch,)
    elif isinstance(catch, BaseException) or not isinstance(catch, Iterable):
        raise TypeError(
            f"catch must be an exception type or a tuple of them, such as (ValueError,), got "
            f"{_describe(catch)}."
        )
    types = tuple(catch)
    for item in types:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise TypeError(
                f"catch must hold exception types such as ValueError, got {_describe(item)}."
            )
    return types


def _callback_list(callbacks: Any) -> list[Callable[..., Any]]:
    if callbacks is None:
        return []
    if isinstance(callbacks, (str, bytes)) or not isinstance(callbacks, Iterable):
        raise TypeError(
            f"callbacks must be a list of callables, such as [callback], got "
            f"{_describe(callbacks)}."
        )
    callback_list = list(callbacks)
    for callback in callback_list:
        if not callable(callback):
            raise TypeError(
                f"callbacks must hold callables taking (study, trial), got {_describe(callback)}."
            )
    return callback_list

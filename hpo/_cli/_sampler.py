"""Building the sampler ``ask`` uses from ``--sampler NAME`` and ``--sampler-kwargs JSON``."""

from __future__ import annotations

import inspect
import json
from typing import TYPE_CHECKING, Any

from hpo._cli._errors import usage_error

if TYPE_CHECKING:
    from hpo.samplers import BaseSampler


def sampler_names() -> list[str]:
    """Return the names of the samplers ``--sampler`` accepts (those of :mod:`hpo.samplers`).

    Examples
    --------
    >>> "TPESampler" in sampler_names()
    True
    """
    import hpo.samplers as samplers

    return sorted(
        name
        for name in samplers.__all__
        if inspect.isclass(getattr(samplers, name))
        and issubclass(getattr(samplers, name), samplers.BaseSampler)
        and not inspect.isabstract(getattr(samplers, name))
    )


def _parse_kwargs(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as e:
        raise usage_error(f"--sampler-kwargs is not valid JSON: {e}.") from None
    if not isinstance(loaded, dict):
        raise usage_error(
            f"--sampler-kwargs must be a JSON object of keyword arguments, got {text!r}."
        )
    return loaded


def build_sampler(name: str | None, kwargs_text: str | None) -> BaseSampler | None:
    """Return the sampler named ``name`` built with the JSON keyword arguments, or None.

    Raises
    ------
    CLIUsageError
        For an unknown name, kwargs without a name, kwargs that are not a JSON object, or
        kwargs the sampler rejects.

    Examples
    --------
    >>> build_sampler("RandomSampler", '{"seed": 3}').__class__.__name__
    'RandomSampler'
    >>> build_sampler(None, None) is None
    True
    """
    import hpo.samplers as samplers

    kwargs = _parse_kwargs(kwargs_text)
    if name is None:
        if kwargs_text is not None:
            raise usage_error("--sampler-kwargs needs --sampler NAME.")
        return None
    names = sampler_names()
    if name not in names:
        raise usage_error(f"--sampler: unknown sampler {name!r}; choose from {', '.join(names)}.")
    sampler_class = getattr(samplers, name)
    try:
        sampler: BaseSampler = sampler_class(**kwargs)
    except (TypeError, ValueError) as e:
        raise usage_error(f"--sampler-kwargs: {name} rejects {kwargs_text}: {e}") from None
    return sampler

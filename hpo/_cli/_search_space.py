"""Reading ``--search-space``: a JSON object from parameter names to distributions.

Each distribution is written as :func:`hpo.distributions.distribution_to_json` writes it,
either as a nested object or as that JSON text in a string::

    {"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0}},
     "c": {"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b"]}}}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from hpo._cli._errors import usage_error

if TYPE_CHECKING:
    from hpo.distributions import BaseDistribution


def parse_search_space(text: str | None) -> dict[str, BaseDistribution]:
    """Return the distributions ``text`` names, by parameter name (empty for None).

    Raises
    ------
    CLIUsageError
        If the text is not JSON, not an object, or a value is not a valid distribution; the
        message names the parameter.

    Examples
    --------
    >>> space = parse_search_space(
    ...     '{"n": {"name": "IntDistribution", "attributes": {"low": 1, "high": 8}}}'
    ... )
    >>> space["n"]
    IntDistribution(low=1, high=8, log=False, step=1)
    """
    from hpo.distributions import json_to_distribution

    if text is None:
        return {}
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as e:
        raise usage_error(f"--search-space is not valid JSON: {e}.") from None
    if not isinstance(loaded, dict):
        raise usage_error(
            "--search-space must be a JSON object from parameter names to distributions, "
            f"got {type(loaded).__name__}."
        )
    space: dict[str, BaseDistribution] = {}
    for name, encoded in loaded.items():
        if isinstance(encoded, dict):
            encoded = json.dumps(encoded)
        if not isinstance(encoded, str):
            raise usage_error(
                f"--search-space: parameter {name!r} must be a distribution object such as "
                '{"name": "FloatDistribution", "attributes": {"low": 0, "high": 1}}, '
                f"got {encoded!r}."
            )
        try:
            space[name] = json_to_distribution(encoded)
        except ValueError as e:
            raise usage_error(f"--search-space: parameter {name!r}: {e}") from None
    return space

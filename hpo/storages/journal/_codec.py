"""Encoding of values in journal logs: floats with infinities and NaN, datetimes, attributes.

JSON has no infinity or NaN, so those floats are written as the strings ``"inf"``, ``"-inf"``
and ``"nan"``; every other float is a JSON number, which Python reads back exactly.
Attribute values are kept as JSON text inside the log, so that they may hold infinities too.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from typing import Any

_SPECIAL_FLOATS = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


class CorruptLogError(Exception):
    """A log is valid JSON but not a well-formed operation."""


def encode_float(value: float) -> float | str:
    """Return ``value`` as a JSON number, or as a string for infinities and NaN."""
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def decode_float(encoded: Any) -> float:
    """Read a float written by :func:`encode_float`."""
    kind = type(encoded)
    if kind is float:
        return encoded
    if kind is int:
        return float(encoded)
    if isinstance(encoded, str) and encoded in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[encoded]
    raise CorruptLogError(f"not a float: {encoded!r}")


def encode_values(values: Sequence[float] | None) -> list[float | str] | None:
    """Encode objective values (or ``None``)."""
    return None if values is None else [encode_float(v) for v in values]


def decode_values(encoded: Any) -> list[float] | None:
    """Read objective values written by :func:`encode_values`."""
    if encoded is None:
        return None
    if type(encoded) is not list:
        raise CorruptLogError(f"not a list of values: {encoded!r}")
    return [decode_float(v) for v in encoded]


def to_utc(moment: datetime.datetime) -> datetime.datetime:
    """Return ``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is datetime.timezone.utc:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def encode_datetime(moment: datetime.datetime | None) -> str | None:
    """Encode a datetime as an ISO 8601 string in UTC."""
    return None if moment is None else to_utc(moment).isoformat()


def decode_datetime(encoded: Any) -> datetime.datetime | None:
    """Read a datetime written by :func:`encode_datetime`."""
    if encoded is None:
        return None
    if type(encoded) is not str:
        raise CorruptLogError(f"not a datetime: {encoded!r}")
    try:
        return to_utc(datetime.datetime.fromisoformat(encoded))
    except ValueError:
        raise CorruptLogError(f"not a datetime: {encoded!r}") from None


def encode_attr(key: str, value: Any) -> str:
    """Encode an attribute value as JSON text.

    Raises
    ------
    TypeError
        If ``key`` is not a string or ``value`` is not JSON-serializable.
    """
    if not isinstance(key, str):
        raise TypeError(f"An attribute key must be a string, got {key!r}.")
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"The value of attribute {key!r} must be JSON-serializable, got {value!r} ({e})."
        ) from e


def decode_attr(encoded: Any) -> Any:
    """Read an attribute value written by :func:`encode_attr`."""
    if not isinstance(encoded, str):
        raise CorruptLogError(f"not JSON text: {encoded!r}")
    try:
        return json.loads(encoded)
    except ValueError:
        raise CorruptLogError(f"not JSON text: {encoded!r}") from None


def encode_attrs(attrs: dict[str, Any]) -> dict[str, str]:
    """Encode an attribute dictionary."""
    return {key: encode_attr(key, value) for key, value in attrs.items()}


def decode_attrs(encoded: Any) -> dict[str, Any]:
    """Read an attribute dictionary written by :func:`encode_attrs`."""
    if not isinstance(encoded, dict):
        raise CorruptLogError(f"not an attribute dictionary: {encoded!r}")
    return {key: decode_attr(value) for key, value in encoded.items()}

"""Artifact ids that sort in the order they were made."""

from __future__ import annotations

import secrets
import threading
import time
import uuid

_lock = threading.Lock()
_last_stamp = 0  # milliseconds << 12 | a 12-bit counter, of the last id of this process


def new_artifact_id() -> str:
    """Return a new unique id: a version 7 UUID (RFC 9562), time-ordered.

    Its first 48 bits are the Unix time in milliseconds, so sorting ids as text sorts
    artifacts by upload time; within one process, later ids always sort after earlier ones.
    The last 62 bits are random, so ids made by different processes never collide.
    """
    global _last_stamp
    with _lock:
        stamp = (time.time_ns() // 1_000_000) << 12 | secrets.randbits(12)
        if stamp <= _last_stamp:  # same millisecond, or the clock stepped back
            stamp = _last_stamp + 1
        _last_stamp = stamp
    milliseconds, counter = stamp >> 12, stamp & 0xFFF
    value = (
        (milliseconds & (2**48 - 1)) << 80
        | 0x7 << 76
        | counter << 64
        | 0b10 << 62
        | secrets.randbits(62)
    )
    return str(uuid.UUID(int=value))

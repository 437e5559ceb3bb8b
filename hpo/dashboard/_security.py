"""What keeps the dashboard safe to open: escaping, cross-site request checks, bind warnings.

* Every user string reaches HTML through jinja2 with autoescaping on; JSON put inside a
  ``<script>`` element has ``<``, ``>`` and ``&`` escaped so that a study named
  ``</script><script>...`` cannot end the element.
* Every write is a POST that carries the server's random token (a form field or the
  ``X-CSRF-Token`` header) and, when the browser sends an ``Origin``, comes from this server.
* Notes are Markdown rendered by a small renderer that escapes first and then adds a few
  tags of its own, so no HTML from the note ever reaches the page.
"""

from __future__ import annotations

import html
import ipaddress
import json
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from hpo import logging

_logger = logging.get_logger(__name__)

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_LOCAL_HOSTS = ("localhost",)


def new_token() -> str:
    """A fresh random token for one server's forms."""
    return secrets.token_urlsafe(32)


def tokens_match(given: str | None, expected: str) -> bool:
    """Compare a submitted token with the server's in constant time."""
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """Whether a request's ``Origin`` is this server (or absent, as from scripts and tests)."""
    if origin is None:
        return True
    if origin == "null" or host_header is None:
        return False
    return urlsplit(origin).netloc.lower() == host_header.lower()


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host.lower() in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warn_if_exposed(host: str, read_only: bool) -> None:
    """Log a loud warning when the server listens beyond this machine."""
    if is_loopback(host):
        return
    actions = "read-only" if read_only else "WITH write actions (enqueue, tell, delete)"
    _logger.warning(
        "The hpo dashboard listens on %s, reachable from other machines, %s and without "
        "authentication: anyone who can reach this address can read%s every study. "
        "Bind to 127.0.0.1 (the default) unless the network is trusted.",
        host,
        actions,
        "" if read_only else " and change",
    )


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped."""
    text = json.dumps(value, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def escape_json_text(text: str) -> str:
    """Escape ``<``, ``>`` and ``&`` in JSON text (e.g. plotly's) that goes into a page."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\*([^*]+)\*"), r"<em>\1</em>"),
]


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)
    for pattern, replacement in _INLINE:
        out = pattern.sub(replacement, out)
    return out


def render_markdown(text: str) -> str:
    """Render a note: headings (``#``), lists (``-``), paragraphs, code, bold, italics.

    The text is escaped before any tag is added, so the result holds no HTML of the note's.

    Examples
    --------
    >>> render_markdown("# Plan\\n- try <b>lr</b>")
    '<h3>Plan</h3>\\n<ul><li>try &lt;b&gt;lr&lt;/b&gt;</li></ul>'
    """
    blocks: list[str] = []
    items: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if items:
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()
        if paragraph:
            blocks.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            blocks.append(f"<h3>{_inline(stripped.lstrip('#').strip())}</h3>")
        elif stripped.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(_inline(stripped[2:]))
        else:
            if items:
                flush()
            paragraph.append(_inline(stripped))
    flush()
    return "\n".join(blocks)

"""Escaping, origin checks, bind warnings and the safe Markdown of notes."""

from __future__ import annotations

import json
import logging

import pytest

from hpo.dashboard._security import (
    is_loopback,
    origin_allowed,
    render_markdown,
    script_json,
    tokens_match,
    warn_if_exposed,
)


def test_script_json_cannot_end_a_script_element() -> None:
    text = script_json({"name": "</script><script>alert(1)</script>", "amp": "&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"


def test_markdown_keeps_no_html_of_the_note() -> None:
    html = render_markdown("# T <i>\n\n- a **b**\n- `<c>`\n\ntext *em* <script>x</script>")
    assert "<i>" not in html and "<script>" not in html
    assert "<h3>T &lt;i&gt;</h3>" in html
    assert "<ul><li>a <strong>b</strong></li><li><code>&lt;c&gt;</code></li></ul>" in html
    assert "<em>em</em> &lt;script&gt;x&lt;/script&gt;" in html


def test_origin_must_be_this_server_when_given() -> None:
    assert origin_allowed(None, "127.0.0.1:8080")
    assert origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080")
    assert not origin_allowed("http://evil.example", "127.0.0.1:8080")
    assert not origin_allowed("null", "127.0.0.1:8080")
    assert not origin_allowed("http://127.0.0.1:8080", None)


def test_tokens_compare_exactly() -> None:
    assert tokens_match("abc", "abc")
    assert not tokens_match("abd", "abc") and not tokens_match(None, "abc")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_bind_quietly(host: str, caplog: pytest.LogCaptureFixture) -> None:
    assert is_loopback(host)
    with caplog.at_level(logging.WARNING):
        warn_if_exposed(host, read_only=False)
    assert caplog.records == []


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.org"])
def test_other_addresses_warn_loudly(host: str, caplog: pytest.LogCaptureFixture) -> None:
    assert not is_loopback(host)
    with caplog.at_level(logging.WARNING):
        warn_if_exposed(host, read_only=False)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert host in record.getMessage() and "without authentication" in record.getMessage()

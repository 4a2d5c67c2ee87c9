"""Content-Security-Policy without inline script, Permissions-Policy denying the camera and the rest, and templates
that need nothing more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import vanthu

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(vanthu.__file__).parent.glob("*/templates/**/*.html"))
# A <script> element without src runs inline unless it is data (type="application/json").
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
# Alpine's CSP build reads property access, comparisons and method calls, not function literals.
ALPINE_FUNCTION = re.compile(r"""\s(?:x-[\w:.-]+|@[\w.-]+)="[^"]*(?:=>|\bfunction\b)""")


def _policy(client: Client, path: str) -> dict[str, str]:
    header = client.get(path)["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in header.split("; ")}


def test_pages_allow_scripts_from_our_own_files_only(client: Client) -> None:
    policy = _policy(client, "/dang-nhap/")
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'self'"


def test_api_answers_carry_the_policy_too(client: Client) -> None:
    assert _policy(client, "/api/v1/me")["default-src"] == "'self'"


@pytest.mark.parametrize("feature", ["camera", "microphone", "geolocation"])
def test_devices_are_denied_to_every_page(client: Client, feature: str) -> None:
    assert f"{feature}=()" in client.get("/dang-nhap/")["Permissions-Policy"].split(", ")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(path.parents[2])))
def test_no_template_runs_inline_script(template: Path) -> None:
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a file under static/vanthu/"
    assert not EVENT_HANDLER.search(text), "on…= handler: use a data- attribute and static/vanthu/vanthu.js"
    assert not ALPINE_FUNCTION.search(text), "function in an Alpine expression: register it in components.js"


def test_the_api_docs_page_needs_no_cdn_and_no_inline_script(client: Client) -> None:
    page = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert not INLINE_SCRIPT.search(page)

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
VENDOR = Path(__file__).resolve().parents[2] / "src" / "vanthu" / "static" / "vendor" / "pdfjs-dist"


# The live test server speaks WSGI, so the notification bell's WebSocket is refused and the bell falls back to
# polling, as it does behind a proxy without WebSocket; the browser reports the refused handshake as an error. That
# one message says nothing about the page.
NO_WEBSOCKET = re.compile(r"WebSocket connection to '[^']*/ws/thong-bao/' failed")


class WatchedBrowser:
    """The browser, recording what every page it opens reports as a problem: a console error (a Content-Security-
    Policy violation is one), a warning about our CSP or Permissions-Policy header, an uncaught exception."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self.problems: list[str] = []
        self._contexts: list[Any] = []

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught exception: {error.error}"))
        self._contexts.append(context)
        return context

    def close_contexts(self) -> None:
        """The test's pages stop (no bell polling on into the next test's database)."""
        for context in self._contexts:
            context.close()
        self._contexts.clear()

    def _console(self, message: Any) -> None:
        if NO_WEBSOCKET.search(message.text):
            return
        if message.type == "error" or "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            where = message.location.get("url", "") if message.location else ""
            self.problems.append(f"console {message.type}: {message.text} [{where}]")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def _pages_report_no_problem(browser: WatchedBrowser, transactional_db: None) -> Iterator[None]:
    """Every page a browser test walks must run without a console error or a CSP violation. (After the database
    fixture, so that the pages are closed before the database is emptied.)"""
    browser.problems.clear()
    yield
    browser.close_contexts()
    problems, browser.problems[:] = list(browser.problems), []
    assert not problems, "the pages reported problems:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("needs Debian's Chromium: apt-get install chromium")
    if not VENDOR.exists():
        pytest.skip("front-end packages missing: run `make vendor`")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test are still synchronous.
    # Module scope: the loop is gone again before other modules (WebSocket tests use async_to_sync) run here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            yield WatchedBrowser(browser)
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

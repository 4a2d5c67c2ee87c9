from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_from_argv`` closes every connection when a command ends; in a test that would close the connection
    holding the test transaction (PostgreSQL), so keep it open."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)

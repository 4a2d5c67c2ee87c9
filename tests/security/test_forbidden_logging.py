"""An ordinary refusal (403) is one warning line in the log; tracebacks stay for real failures."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.builders import AgencyKit
from vanthu.core.http.logfilters import ClientErrorWithoutTraceback


@pytest.mark.django_db
def test_a_403_is_logged_without_a_traceback(kit: AgencyKit, caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    client.force_login(kit.specialist.user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/quan-tri/").status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    # The refusal is rendered as the Vietnamese 403 page (core.http.errors), not raised: Django logs the answer once.
    assert record.getMessage() == "Forbidden: /quan-tri/"
    assert record.exc_info is None and "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_refusal_raised_by_a_view_is_logged_without_a_traceback(
    kit: AgencyKit, caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client()
    client.force_login(kit.specialist.user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/so-van-ban/").status_code == 403  # the registers are for clerks and leaders
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden") and record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback() -> None:
    try:
        raise RuntimeError("hỏng")
    except RuntimeError as exc:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (),
                                   (type(exc), exc, exc.__traceback__))
    record.status_code = 500
    assert ClientErrorWithoutTraceback().filter(record) and record.exc_info is not None

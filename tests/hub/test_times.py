"""Every time a list shows is the moment it names, in Vietnam time, on SQLite and on PostgreSQL alike.

On SQLite a plain cursor reads ``datetime`` columns back naive (the UTC wall clock); they once came out labelled
+07:00 unchanged, seven hours early. Each test brackets an operation between two readings of the clock and checks
every time field of the list against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.hub import packages
from tests.hub.conftest import A1, B1, Caller, body_of

pytestmark = [pytest.mark.urls("vanthu.hub.urls"), pytest.mark.django_db]

VIETNAM_OFFSET = dt.timedelta(hours=7)


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime

    def holds(self, shown: str) -> bool:
        """``shown`` is ISO 8601 with the +07:00 offset, to the second, and within the window."""
        moment = dt.datetime.fromisoformat(shown)
        assert moment.utcoffset() == VIETNAM_OFFSET, shown
        return self.start.replace(microsecond=0) <= moment <= self.end


def _during(action: Callable[[], object]) -> Window:
    start = timezone.now()
    action()
    return Window(start=start, end=timezone.now())


def test_received_list_shows_the_send_time_and_the_last_change(sys_a: Caller, sys_b: Caller) -> None:
    holder: dict[str, str] = {}
    sent = _during(lambda: holder.setdefault("doc", sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)))
    [item] = sys_b.received()
    assert sent.holds(item["created_time"]) and sent.holds(item["updated_time"])
    fetched = _during(lambda: sys_b.call("getEdoc", {"docId": holder["doc"]}))
    [item] = sys_b.received()
    assert sent.holds(item["created_time"]) and fetched.holds(item["updated_time"])


def test_sent_list_shows_the_send_time_and_when_the_recipient_took_it(sys_a: Caller, sys_b: Caller) -> None:
    holder: dict[str, str] = {}
    sent = _during(lambda: holder.setdefault("doc", sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)))
    [row] = sys_a.sent_list(holder["doc"])
    assert sent.holds(row["sentTime"]) and row["receivedTime"] == ""
    fetched = _during(lambda: sys_b.call("getEdoc", {"docId": holder["doc"]}))
    [row] = sys_a.sent_list(holder["doc"])
    assert sent.holds(row["sentTime"]) and fetched.holds(row["receivedTime"])
    acked = _during(lambda: sys_b.ack(holder["doc"], "done"))
    [row] = sys_a.sent_list(holder["doc"])
    assert sent.holds(row["sentTime"]) and acked.holds(row["receivedTime"])


def test_synchronize_list_shows_when_an_agency_last_changed(sys_b: Caller) -> None:
    registered = _during(lambda: sys_b.call("registerAgency", body=b'{"code": "000.00.07.G22", "name": "V\\u1ee5"}'))
    rows = {row["code"]: row for row in body_of(sys_b.call("getSynchronizeUnit"))["data"]}
    assert registered.holds(rows["000.00.07.G22"]["modifyDate"])
    deleted = _during(lambda: sys_b.call("deleteAgency", {"AgencyCode": "000.00.07.G22"}))
    rows = {row["code"]: row for row in body_of(sys_b.call("getSynchronizeUnit"))["data"]}
    assert deleted.holds(rows["000.00.07.G22"]["modifyDate"])

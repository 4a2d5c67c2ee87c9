"""Per-recipient queues: list, get, download, updateStatus done/fail/processing, counts, the sent list."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.hub import packages
from tests.hub.conftest import A1, A2, B1, C1, Caller, body_of
from vanthu.hub.models import Delivery, HubEvent

pytestmark = [pytest.mark.urls("vanthu.hub.urls"), pytest.mark.django_db]


def _ids(items: list[dict[str, object]]) -> list[object]:
    return [item["docId"] for item in items]


def test_recipient_lists_its_pending_packages_oldest_first(sys_a: Caller, sys_b: Caller) -> None:
    first = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    second = sys_a.sent(packages.edoc(A2, [B1]), from_code=A2)
    items = sys_b.received()
    assert _ids(items) == [first, second]
    assert items[0]["from"] == A1 and items[0]["to"] == B1 and items[0]["status"] == "pending"
    assert items[0]["messageType"] == "edoc" and items[0]["serviceType"] == "eDoc"
    assert str(items[0]["created_time"]).endswith("+07:00")


def test_system_hosting_several_recipients_gets_the_package_once(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_b.sent(packages.edoc(B1, [A1, A2]), from_code=B1)
    items = sys_a.received()
    assert _ids(items) == [doc_id]
    assert sorted(str(items[0]["to"]).split(",")) == sorted([A1, A2])
    sys_a.ack(doc_id, "done")
    assert set(Delivery.objects.values_list("status", flat=True)) == {"acked"}


def test_get_returns_the_exact_bytes_in_base64_and_marks_delivered(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    doc_id = sys_a.sent(package, from_code=A1)
    answer = body_of(sys_b.call("getEdoc", {"docId": doc_id}))
    assert base64.b64decode(answer["data"]) == package
    assert Delivery.objects.get().status == "delivered"
    assert _ids(sys_b.received()) == [doc_id]  # fetched but not acknowledged: still queued
    assert sys_a.sent_list(doc_id)[0]["sendStatus"] == "delivered"


def test_download_streams_the_raw_package(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    doc_id = sys_a.sent(package, from_code=A1)
    response = sys_b.call("downloadEdoc", {"docId": doc_id}, method="GET")
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response.content == package


def test_doc_id_in_upper_case_or_with_hyphens_is_found(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    dashed = f"{doc_id[:8]}-{doc_id[8:12]}-{doc_id[12:16]}-{doc_id[16:20]}-{doc_id[20:]}".upper()
    assert body_of(sys_b.call("getEdoc", {"docId": dashed}))["ErrorCode"] == "0"


def test_unknown_doc_id_is_error_6(sys_b: Caller) -> None:
    for operation in ("getEdoc", "downloadEdoc", "updateStatus"):
        response = sys_b.call(operation, {"docId": "0" * 32, "status": "done"})
        assert body_of(response)["ErrorCode"] == "6" and response.status_code == 404


def test_done_dequeues_and_a_repeated_done_is_a_no_op(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    assert sys_b.ack(doc_id, "done")["ErrorCode"] == "0"
    assert sys_b.received() == []
    assert sys_b.ack(doc_id, "done")["ErrorCode"] == "0"
    delivery = Delivery.objects.get()
    assert delivery.status == "acked" and delivery.acked_at is not None
    assert HubEvent.objects.filter(event_type="delivery.done").count() == 1
    row = sys_a.sent_list(doc_id)[0]
    assert row["receiveStatus"] == "acked" and row["receivedTime"]


def test_sdk_lower_case_docid_is_read(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    assert body_of(sys_b.call("updateStatus", {"docid": doc_id, "status": "done"}))["ErrorCode"] == "0"
    assert Delivery.objects.get().status == "acked"


def test_fresh_sdk_docid_wins_over_a_stale_docId_left_in_its_map(sys_a: Caller, sys_b: Caller) -> None:
    stale = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    fresh = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    sys_b.call("updateStatus", {"docId": stale, "docid": fresh, "status": "done"})
    assert dict(Delivery.objects.values_list("package__hub_id", "status")) == {stale: "pending", fresh: "acked"}


def test_fail_keeps_the_package_queued_and_counts(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    assert sys_b.ack(doc_id, "fail")["ErrorCode"] == "0"
    assert _ids(sys_b.received()) == [doc_id]
    assert Delivery.objects.get().attempts == 1


@override_settings(VANTHU_HUB_MAX_DELIVERY_ATTEMPTS=3)
def test_fail_gives_up_after_the_maximum_attempts(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    for _ in range(2):
        sys_b.ack(doc_id, "fail")
    assert _ids(sys_b.received()) == [doc_id]
    sys_b.ack(doc_id, "fail")
    assert sys_b.received() == []
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.failure_reason, delivery.attempts) == ("failed", "max_attempts", 3)
    row = sys_a.sent_list(doc_id)[0]
    assert row["receiveStatus"] == "failed" and "quá số lần" in row["receiveStatusDesc"]
    sys_b.ack(doc_id, "fail")  # a late report changes nothing
    assert Delivery.objects.get().attempts == 3


def test_default_maximum_is_five_attempts(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    for _ in range(4):
        sys_b.ack(doc_id, "fail")
    assert Delivery.objects.get().status == "pending"
    sys_b.ack(doc_id, "fail")
    assert Delivery.objects.get().status == "failed"


def test_processing_hides_the_package_for_ten_minutes(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    before = timezone.now()
    sys_b.ack(doc_id, "processing")
    assert sys_b.received() == []
    assert body_of(sys_b.call("countReceiveEdoc", method="GET"))["count"] == 0
    hidden_until = Delivery.objects.get().hidden_until
    assert hidden_until is not None
    assert dt.timedelta(minutes=9) < hidden_until - before <= dt.timedelta(minutes=10, seconds=5)
    Delivery.objects.update(hidden_until=timezone.now() - dt.timedelta(seconds=1))  # ten minutes later
    assert _ids(sys_b.received()) == [doc_id]
    assert Delivery.objects.get().attempts == 0


def test_unknown_update_status_value_is_error_5(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    assert sys_b.ack(doc_id, "maybe")["ErrorCode"] == "5"
    assert Delivery.objects.get().status == "pending"


def test_counts_follow_the_queue_per_message_type(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    sys_a.sent(packages.edoc(A2, [B1]), from_code=A2)
    sys_a.sent(packages.status(A1, B1), from_code=A1, message_type="status")
    assert body_of(sys_b.call("countReceiveEdoc", method="GET"))["count"] == 2
    assert body_of(sys_b.call("countReceiveStatus", method="GET"))["count"] == 1
    sys_b.ack(doc_id, "done")
    assert body_of(sys_b.call("countReceiveEdoc", method="GET"))["count"] == 1
    assert len(sys_b.received("status")) == 1


def test_sent_list_has_one_row_per_recipient_with_its_status(sys_a: Caller, sys_b: Caller, sys_c: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1, C1]), from_code=A1)
    other = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    sys_b.call("getEdoc", {"docId": doc_id})
    sys_b.ack(doc_id, "done")
    rows = {row["toCode"]: row for row in sys_a.sent_list(doc_id)}
    assert set(rows) == {B1, C1}
    assert (rows[B1]["sendStatus"], rows[B1]["receiveStatus"]) == ("delivered", "acked")
    assert (rows[C1]["sendStatus"], rows[C1]["receiveStatus"]) == ("pending", "pending")
    assert rows[B1]["senderDocId"] == rows[B1]["receiverDocId"] == doc_id and rows[B1]["fromCode"] == A1
    assert {row["senderDocId"] for row in sys_a.sent_list()} == {doc_id, other}
    assert sys_a.sent_list(message_type="status") == []

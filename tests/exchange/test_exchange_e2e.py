"""End to end through real processes on loopback: one hub and two Vanthu deployments, A and B, each with its own
database, web server and task worker (docs/standards/hub-api.md; issue "Inter-agency exchange").

A issues documents to B's agency through the hub; B's worker polls the hub and creates the copy waiting for
acceptance; B's people act through B's REST API; the statuses travel back and A's delivery shows them.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.exchange.conftest import Province, Side
from tests.exchange.harness import wait_for

pytestmark = pytest.mark.xdist_group("province")  # one province (hub + A + B) per test process


def _copy_of(side: Side, subject: str, state: str | None = None) -> dict[str, Any] | None:
    for row in side.call("incoming"):
        if row["subject"] == subject and (state is None or row["state"] == state):
            return dict(row)
    return None


def _delivery(side: Side, document_id: int) -> dict[str, Any]:
    [row] = side.call("deliveries", document_id=document_id)
    return dict(row)


def _status_is(side: Side, document_id: int, code: str) -> bool:
    return _delivery(side, document_id)["status_code"] == code


def test_a_document_issued_in_a_is_accepted_assigned_and_completed_in_b(province: Province) -> None:
    a, b = province.a, province.b
    sent = a.call("issue", to=[[b.code, b.name]], subject="Về việc liên thông văn bản thử nghiệm số một")
    copy = wait_for(lambda: _copy_of(b, sent["subject"], "ARRIVED"), what="the copy waiting for acceptance in B")
    assert copy["reference"] == sent["reference"] and copy["organ_id"] == a.code
    assert "bao-cao-chu-ky-so.pdf" in copy["files"], "B's own signature report of the received PDFs"
    wait_for(lambda: _status_is(a, sent["id"], "01"), what="01 at A")
    assert _delivery(a, sent["id"])["transport"] == "SENT"

    b.api("POST", f"/incoming/{copy['id']}/register", body={})
    wait_for(lambda: _status_is(a, sent["id"], "03"), what="03 at A")
    b.api("POST", f"/incoming/{copy['id']}/direct", role="leader",
          body={"lead": {"user_id": b.info["specialist_id"]}, "instruction": "Giao chuyên viên tham mưu."})
    wait_for(lambda: _status_is(a, sent["id"], "04"), what="04 at A")
    detail = b.api("GET", f"/incoming/{copy['id']}", role="specialist")
    lead = next(x for x in detail["assignments"] if x["user_id"] == b.info["specialist_id"])
    b.api("POST", f"/assignments/{lead['id']}/notes", role="specialist", body={"text": "Đang xây dựng kế hoạch."})
    wait_for(lambda: _status_is(a, sent["id"], "05"), what="05 at A")
    b.api("POST", f"/assignments/{lead['id']}/complete", role="specialist", body={"result_note": "Đã triển khai."})
    wait_for(lambda: _status_is(a, sent["id"], "06"), what="06 at A")
    assert _delivery(a, sent["id"])["events"] == ["01", "03", "04", "05", "06"]


def test_b_returns_a_document_with_its_reason(province: Province) -> None:
    a, b = province.a, province.b
    sent = a.call("issue", to=[[b.code, b.name]], subject="Về việc gửi nhầm nơi nhận")
    copy = wait_for(lambda: _copy_of(b, sent["subject"], "ARRIVED"), what="copy in B")
    b.api("POST", f"/incoming/{copy['id']}/return", body={"reason": "Không thuộc thẩm quyền giải quyết."})
    wait_for(lambda: _status_is(a, sent["id"], "02"), what="02 at A")
    assert _delivery(a, sent["id"])["description"] == "Không thuộc thẩm quyền giải quyết."


def test_a_recalls_a_document_and_b_agrees(province: Province) -> None:
    a, b = province.a, province.b
    sent = a.call("issue", to=[[b.code, b.name]], subject="Về việc văn bản sẽ bị thu hồi")
    copy = wait_for(lambda: _copy_of(b, sent["subject"], "ARRIVED"), what="copy in B")
    wait_for(lambda: _status_is(a, sent["id"], "01"), what="01 at A")
    assert a.call("recall", document_id=sent["id"], reason="Sai sót về thể thức.") == "RECALLED"
    pending = wait_for(lambda: next((r for r in b.call("incoming") if r["id"] == copy["id"]
                                     and r["state"] == "RECALL_PENDING"), None), what="recall pending in B")
    assert pending["id"] == copy["id"]
    assert b.call("recall_agree", incoming_id=copy["id"]) == "RECALLED"
    wait_for(lambda: _delivery(a, sent["id"])["recall_state"] == "AGREED", what="15 at A")
    assert _delivery(a, sent["id"])["status_code"] == "15"


def test_documents_travel_the_other_way_too(province: Province) -> None:
    a, b = province.a, province.b
    sent = b.call("issue", to=[[a.code, a.name]], subject="Về việc báo cáo từ cơ quan B")
    copy = wait_for(lambda: _copy_of(a, sent["subject"], "ARRIVED"), what="copy in A")
    a.api("POST", f"/incoming/{copy['id']}/register", body={})
    wait_for(lambda: _status_is(b, sent["id"], "03"), what="03 at B")

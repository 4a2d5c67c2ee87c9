"""The Sổ đăng ký văn bản đi screen (/so-van-ban/van-ban-di/) and its XLSX/PDF downloads."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from openpyxl import load_workbook

from tests.builders import AgencyKit
from tests.outgoing.helpers import signed
from vanthu.core.periods import Period
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.services import outgoing_number, outgoing_void
from vanthu.documents.registers import outgoing_register_book
from vanthu.organizations.actor import Actor

pytestmark = pytest.mark.django_db
URL = reverse_lazy("web:registers:outgoing")
FORMATS = ("", "xlsx", "pdf")


def _client(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _numbered(kit: AgencyKit, type_code: str = "QUYET_DINH", **overrides: object) -> OutgoingDocument:
    return outgoing_number(actor=kit.clerk, document_id=signed(kit, type_code, **overrides).pk)


def _register_id(kit: AgencyKit) -> int:
    return Register.objects.get(agency=kit.agency, kind=RegisterKind.OUTGOING, is_default=True).pk


def _book_with_a_voided_number(kit: AgencyKit) -> tuple[OutgoingDocument, OutgoingDocument]:
    kept = _numbered(kit, subject="Về việc ban hành Quy chế làm việc năm 2026")
    voided = _numbered(kit, "CONG_VAN", subject="Về việc tổ chức hội nghị tổng kết")
    outgoing_void(actor=kit.clerk, document_id=voided.pk, reason="Sai nơi nhận")
    return kept, voided


def _plain(value: object) -> object:
    """A cell as the book holds it: openpyxl reads a date cell back as a midnight datetime, an empty one as None."""
    if isinstance(value, dt.datetime):
        return value.date()
    return "" if value is None else value


def _get(actor: Actor, fmt: str = "", **params: str) -> object:
    query = dict(params)
    if fmt:
        query["format"] = fmt
    return _client(actor).get(URL, query)


def test_anonymous_user_is_sent_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_screen_shows_the_ten_columns_and_marks_the_voided_number(kit: AgencyKit) -> None:
    kept, voided = _book_with_a_voided_number(kit)
    response = _client(kit.clerk).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sổ đăng ký văn bản đi" in html
    for column in ("Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
                   "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển",
                   "Ký nhận", "Ghi chú"):
        assert f"<th scope=\"col\">{column}</th>" in html
    assert kept.reference in html and kept.subject in html
    assert reverse("web:outgoing_detail", args=[kept.pk]) in html
    assert f'<tr data-document="{voided.pk}" class="table-secondary vt-voided">' in html
    assert "Đã hủy số: Sai nơi nhận" in html
    assert f'<tr data-document="{kept.pk}">' in html
    assert "format=xlsx" in html and "format=pdf" in html


def test_year_and_register_choice_filter_the_rows(kit: AgencyKit) -> None:
    kept, _voided = _book_with_a_voided_number(kit)
    year = timezone.localdate().year
    this_year = _get(kit.leader, register=str(_register_id(kit)), year=str(year))
    assert kept.reference in this_year.content.decode()  # type: ignore[attr-defined]
    last_year = _get(kit.leader, register=str(_register_id(kit)), year=str(year - 1))
    assert last_year.status_code == 200  # type: ignore[attr-defined]
    assert kept.reference not in last_year.content.decode()  # type: ignore[attr-defined]
    assert "Không có văn bản nào trong kỳ này." in last_year.content.decode()  # type: ignore[attr-defined]


def test_xlsx_download_holds_the_same_rows_as_the_book(kit: AgencyKit) -> None:
    _book_with_a_voided_number(kit)
    response = _get(kit.clerk, "xlsx")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")  # type: ignore[index]
    assert response["Content-Disposition"].startswith('attachment; filename="so-van-ban-di-')  # type: ignore[index]
    sheet = load_workbook(io.BytesIO(response.content)).active  # type: ignore[attr-defined]
    assert sheet is not None
    book = outgoing_register_book(actor=kit.clerk, register_id=_register_id(kit),
                                  period=Period.year(timezone.localdate().year))
    assert sheet["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert tuple(sheet.cell(row=5, column=c).value for c in range(1, 11)) == tuple(c.heading for c in book.columns)
    rows = [tuple(_plain(sheet.cell(row=r, column=c).value) for c in range(1, 11))
            for r in range(6, sheet.max_row + 1)]
    assert rows == [tuple(v if v is not None else "" for v in row.cells()) for row in book.rows]
    assert len(rows) == 2 and rows[1][9] == "Đã hủy số: Sai nơi nhận"


def test_pdf_download_has_the_rows_as_text(kit: AgencyKit) -> None:
    kept, voided = _book_with_a_voided_number(kit)
    response = _get(kit.leader, "pdf")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"  # type: ignore[index]
    # -raw: the content-stream order, where a table cell's wrapped lines stay together.
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.content,  # type: ignore[attr-defined]
                          capture_output=True, check=True, timeout=60).stdout.decode()
    flat = "".join(text.split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert kept.reference in flat and voided.reference in flat
    assert "Đãhủysố:Sainơinhận" in flat
    assert "".join(kept.subject.split()) in flat


@pytest.mark.parametrize("fmt", FORMATS)
def test_specialist_of_the_agency_is_refused(kit: AgencyKit, fmt: str) -> None:
    _book_with_a_voided_number(kit)
    response = _get(kit.specialist, fmt, register=str(_register_id(kit)))
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert b"Quy ch\xe1\xba\xbf" not in response.content  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", FORMATS)
def test_clerk_of_another_agency_sees_nothing_of_this_agency(
    kit: AgencyKit, other_kit: AgencyKit, fmt: str,
) -> None:
    kept, _voided = _book_with_a_voided_number(kit)
    # Asking for this agency's register: not among the clerk's choices, so refused before any lookup.
    asked = _get(other_kit.clerk, fmt, register=str(_register_id(kit)))
    assert asked.status_code in (400, 404)  # type: ignore[attr-defined]
    # Their own book (the default choice): none of this agency's rows.
    own = _get(other_kit.clerk, fmt)
    assert own.status_code == 200  # type: ignore[attr-defined]
    for response in (asked, own):
        body = response.content  # type: ignore[attr-defined]
        assert kept.reference.encode() not in body and kept.subject.encode() not in body
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(own.content)).active  # type: ignore[attr-defined]
        assert sheet is not None and sheet.max_row == 5  # titles and the header, no row
    if fmt == "pdf":
        text = subprocess.run(["pdftotext", "-", "-"], input=own.content,  # type: ignore[attr-defined]
                              capture_output=True, check=True, timeout=60).stdout.decode()
        assert kept.reference not in "".join(text.split()) and kit.agency.name.upper() not in text


def test_secret_register_needs_clearance(kit: AgencyKit) -> None:
    secret = Register.objects.get(agency=kit.agency, kind=RegisterKind.SECRET_OUTGOING)
    response = _get(kit.leader, register=str(secret.pk))
    assert response.status_code == 400  # not a choice for someone not cleared for secrets
    assert secret.name not in _get(kit.leader).content.decode()  # type: ignore[attr-defined]


def test_screen_query_count_does_not_grow_with_the_rows(kit: AgencyKit, django_assert_max_num_queries: object) -> None:
    client = _client(kit.clerk)
    for _n in range(2):
        _numbered(kit)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _n in range(20):
        _numbered(kit, "CONG_VAN")
    with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as many:  # type: ignore[operator]
        response = client.get(URL)
    assert response.content.decode().count('<tr data-document="') == 22
    assert len(many) == len(few)


def test_registers_are_linked_from_the_navigation_for_clerks_and_leaders(kit: AgencyKit) -> None:
    home = reverse("web:home")
    for actor in (kit.clerk, kit.leader):
        html = _client(actor).get(home).content.decode()
        assert f'href="{URL}" id="nav-register-outgoing"' in html
        assert f'href="{reverse("web:registers:register")}" id="nav-register-incoming"' in html
    assert 'id="nav-register-outgoing"' not in _client(kit.specialist).get(home).content.decode()

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command
from django.db import connection

from tests.builders import AgencyKit, arrived_document, incoming_input, pdf_bytes, registered_document
from tests.search.helpers import docx_upload
from vanthu.core.files import UploadedContent
from vanthu.documents.enums import IncomingState
from vanthu.documents.handling import DirectionInput, Handler, assignment_delegate, direction_create
from vanthu.documents.models import IncomingDocument
from vanthu.documents.selectors import IncomingFilters
from vanthu.documents.services import incoming_present, incoming_update
from vanthu.organizations.actor import Actor
from vanthu.search.index import search_index_incoming, search_reindex_all
from vanthu.search.models import SearchEntry
from vanthu.search.selectors import incoming_search

pytestmark = pytest.mark.django_db
NO_FILTERS = IncomingFilters()


def hits(actor: Actor, query: str, filters: IncomingFilters = NO_FILTERS) -> list[int]:
    return [d.pk for d in incoming_search(actor=actor, query=query, filters=filters)]


def test_query_without_diacritics_finds_text_with_them(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Quyết định phê duyệt dự toán ngân sách")
    registered_document(kit, subject="Công văn về lịch công tác tuần")
    assert hits(kit.clerk, "quyet dinh phe duyet") == [doc.pk]


def test_query_with_diacritics_finds_text_typed_without_them(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Ke hoach phong chong lut bao nam 2026")
    assert hits(kit.clerk, "Kế hoạch phòng chống lụt bão") == [doc.pk]


def test_d_stroke_matches_plain_d_both_ways(kit: AgencyKit) -> None:
    upper = registered_document(kit, subject="ĐỀ ÁN ĐÔ THỊ THÔNG MINH")
    plain = registered_document(kit, subject="de an do thi xanh")
    assert set(hits(kit.clerk, "de an do thi")) == {upper.pk, plain.pk}
    assert set(hits(kit.clerk, "Đề án đô thị")) == {upper.pk, plain.pk}


def test_search_is_case_insensitive(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="BÁO CÁO TỔNG KẾT")
    assert hits(kit.clerk, "báo cáo tổng kết") == [doc.pk]


def test_last_word_matches_as_prefix(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Triển khai chuyển đổi số cấp xã")
    assert hits(kit.clerk, "chuyen do") == [doc.pk]


def test_every_word_must_match(kit: AgencyKit) -> None:
    registered_document(kit, subject="Quyết định khen thưởng")
    assert hits(kit.clerk, "quyết định kỷ luật") == []


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("code_notation", "QĐ-UBND", "qd-ubnd"),
        ("organ_name", "Sở Tài nguyên và Môi trường", "so tai nguyen moi truong"),
        ("signer_full_name", "Nguyễn Thị Hương", "nguyen thi huong"),
        ("to_places", "Các phòng, ban chuyên môn thuộc huyện", "phong ban chuyen mon"),
        ("note", "Cần trình gấp Chủ tịch", "trinh gap chu tich"),
    ],
)
def test_metadata_fields_are_searchable(kit: AgencyKit, field: str, value: str, query: str) -> None:
    doc = registered_document(kit, **{field: value})
    assert hits(kit.clerk, query) == [doc.pk]


def test_reference_number_and_notation_are_searchable_together(kit: AgencyKit) -> None:
    doc = registered_document(kit, code_number="157", code_notation="QĐ-UBND")
    assert hits(kit.clerk, "157/QĐ-UBND") == [doc.pk]


def test_text_of_attached_docx_is_searchable_without_diacritics(kit: AgencyKit) -> None:
    doc = registered_document(
        kit, main_file=None, attachments=(docx_upload("Phụ lục: danh sách hộ nghèo được hỗ trợ nhà ở"),)
    )
    assert hits(kit.clerk, "ho ngheo ho tro nha o") == [doc.pk]


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils: apt-get install poppler-utils")
def test_text_of_attached_pdf_is_searchable_with_diacritics(kit: AgencyKit) -> None:
    doc = registered_document(kit, main_file=UploadedContent("kh.pdf", pdf_bytes("Ke hoach tiem chung mo rong")))
    assert hits(kit.clerk, "kế hoạch tiêm chủng") == [doc.pk]


def test_match_in_metadata_ranks_before_match_only_in_file_text(kit: AgencyKit) -> None:
    in_file = registered_document(kit, main_file=None, attachments=(docx_upload("Giải phóng mặt bằng dự án"),))
    in_subject = registered_document(kit, subject="Về giải phóng mặt bằng tuyến đường tỉnh")
    assert hits(kit.clerk, "giai phong mat bang") == [in_subject.pk, in_file.pk]


def test_filters_apply_on_top_of_the_text_match(kit: AgencyKit) -> None:
    registered = registered_document(kit, subject="Hướng dẫn quyết toán năm 2026")
    arrived = arrived_document(kit, subject="Hướng dẫn quyết toán quý IV")
    assert hits(kit.clerk, "quyet toan", IncomingFilters(box="to_register")) == [arrived.pk]
    assert hits(kit.clerk, "quyet toan", IncomingFilters(state=IncomingState.REGISTERED)) == [registered.pk]


def test_query_falls_back_to_the_filter_query(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Tờ trình xin chủ trương đầu tư")
    assert hits(kit.clerk, "", IncomingFilters(query="to trinh")) == [doc.pk]


def test_other_agency_never_sees_hits(kit: AgencyKit, other_kit: AgencyKit) -> None:
    registered_document(kit, subject="Quyết định bổ nhiệm cán bộ")
    for actor in (other_kit.clerk, other_kit.leader, other_kit.specialist):
        assert hits(actor, "quyet dinh bo nhiem") == []


def test_specialist_sees_hits_only_once_assigned(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Rà soát hồ sơ đất đai")
    assert hits(kit.specialist, "ra soat ho so") == []
    incoming_present(actor=kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)
    direction_create(
        actor=kit.leader, document_id=doc.pk,
        data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), instruction="Giao phòng KHTC",
                            due_in_working_days=5),
    )
    lead = doc.assignments.get()
    assignment_delegate(actor=kit.finance_head, assignment_id=lead.pk, user_ids=[kit.specialist.user.pk])
    assert hits(kit.specialist, "ra soat ho so") == [doc.pk]
    assert hits(kit.specialist2, "ra soat ho so") == []


HOSTILE = ['"', '""', "*", "quyet*", "AND", "OR NOT", "NEAR(", "NEAR(quyet dinh, 5)", "'; DROP TABLE search_fts; --",
           "quyet AND (dinh", "^dinh", "{meta_text}: dinh", "dinh:*", "!&|", "a" * 500, "\x00", "%_%"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_never_crashes(kit: AgencyKit, query: str) -> None:
    registered_document(kit, subject="Quyết định số 1")
    results = hits(kit.clerk, query)
    assert isinstance(results, list)
    assert hits(kit.clerk, "quyet dinh")  # the index is intact afterwards


def test_operator_words_are_searched_as_plain_words(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Hợp tác với tổ chức AND Foundation")
    registered_document(kit, subject="Hợp tác quốc tế")
    assert hits(kit.clerk, "hop tac AND") == [doc.pk]


def test_query_with_no_words_returns_the_plain_list(kit: AgencyKit) -> None:
    docs = [registered_document(kit) for _ in range(2)]
    assert sorted(hits(kit.clerk, '" * ')) == sorted(d.pk for d in docs)


def test_update_refreshes_the_index(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Giấy mời họp giao ban")
    incoming_update(
        actor=kit.clerk, document_id=doc.pk,
        data=incoming_input(subject="Giấy mời hội nghị tổng kết", main_file=None, code_number=doc.code_number),
    )
    assert hits(kit.clerk, "hoi nghi tong ket") == [doc.pk]
    assert hits(kit.clerk, "giao ban") == []


def test_deleted_document_leaves_no_entry(kit: AgencyKit) -> None:
    doc = registered_document(kit, subject="Văn bản sẽ bị xóa")
    document_id = doc.pk
    IncomingDocument.objects.filter(pk=document_id).delete()
    search_index_incoming(document_id=document_id)
    assert not SearchEntry.objects.filter(document_id=document_id).exists()
    assert hits(kit.clerk, "se bi xoa") == []


def test_reindex_all_rebuilds_a_lost_index(kit: AgencyKit, other_kit: AgencyKit) -> None:
    mine = registered_document(kit, subject="Thông báo tuyển dụng viên chức")
    registered_document(other_kit, subject="Thông báo tuyển dụng công chức")
    SearchEntry.objects.all().delete()
    assert hits(kit.clerk, "tuyen dung") == []
    assert search_reindex_all(batch_size=1) == 2
    assert hits(kit.clerk, "tuyen dung") == [mine.pk]


def test_reindex_command_reports_the_count(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    doc = registered_document(kit, subject="Kế hoạch cải cách hành chính")
    SearchEntry.objects.all().delete()
    call_command("search_reindex")
    assert "1" in capsys.readouterr().out
    assert hits(kit.clerk, "cai cach hanh chinh") == [doc.pk]


def test_engine_index_holds_exactly_the_entries(kit: AgencyKit) -> None:
    docs = [registered_document(kit, subject=f"Báo cáo tháng {n}") for n in range(3)]
    incoming_update(
        actor=kit.clerk, document_id=docs[0].pk,
        data=incoming_input(subject="Báo cáo quý", main_file=None, code_number=docs[0].code_number),
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
            cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'bao'")
        else:
            cursor.execute("SELECT count(*) FROM search_searchentry WHERE vector @@ to_tsquery('simple', 'bao')")
        assert cursor.fetchone()[0] == 3

"""Number, date and signature boxes found in uploaded and converted drafts; drafts made from DOCX/ODT.

Positions are checked against word boxes read independently from ``pdftotext -bbox`` (a regex over its output),
or against what a built-in template reports for its own fields.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft, outgoing_input
from tests.outgoing.office_docs import corrupt_docx, docx_bytes, nd30_blocks, odt_bytes
from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError
from vanthu.core.files import DOCX, ODT, PDF, UploadedContent
from vanthu.core.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, serif_fonts_register
from vanthu.core.models import Blob
from vanthu.documents.outgoing import drafting
from vanthu.documents.outgoing.models import DraftVersion, OutgoingDocument
from vanthu.documents.outgoing.placement import MM, locate_fields
from vanthu.documents.outgoing.services import outgoing_create, outgoing_new_version
from vanthu.documents.outgoing.template import (
    DATE_FIELD,
    NUMBER_FIELD,
    PERSONAL_SIG_FIELD,
    SEAL_BOX,
    TemplateFields,
    template_render,
)

PAGE_W, PAGE_H = A4
SIGNER = "Trần Thị Bình"
FIELDS = (NUMBER_FIELD, DATE_FIELD, PERSONAL_SIG_FIELD)


@dataclass(frozen=True)
class WordBox:
    page: int
    text: str
    x1: float
    y1: float  # PDF coordinates (from the bottom)
    x2: float
    y2: float


def _words(pdf: bytes, tmp: Path) -> list[WordBox]:
    path = tmp / "words.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout
    words = []
    for page, chunk in enumerate(html.split("<page ")[1:]):
        height = float(re.search(r'height="([\d.]+)"', chunk).group(1))  # type: ignore[union-attr]
        for x1, y1, x2, y2, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', chunk,
        ):
            words.append(WordBox(page, text, float(x1), height - float(y2), float(x2), height - float(y1)))
    return words


def _word(words: list[WordBox], text: str, *, last: bool = False) -> WordBox:
    found = [w for w in words if w.text == text]
    assert found, f"{text!r} not in the PDF"
    return found[-1] if last else found[0]


def _draw_nd30(
    *, signer: str = SIGNER, date_line: str = "Hà Nội, ngày      tháng      năm 2026", appendix: bool = False,
    name_in_body: bool = False,
) -> bytes:
    """An ND30-like one- or two-page PDF drawn with ReportLab at known positions."""
    serif_fonts_register()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4)
    c.setFont(SERIF, 13)
    c.drawCentredString(180, 780, "ỦY BAN NHÂN DÂN TỈNH DEMO")
    c.drawString(130, 740, "Số:")
    c.drawString(170, 740, "/QĐ-UBND")
    c.setFont(SERIF_BOLD, 12)
    c.drawCentredString(430, 780, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont(SERIF_ITALIC, 14)
    c.drawCentredString(430, 740, date_line)
    c.setFont(SERIF, 14)
    body = f"Điều 1. Giao bà {signer} chủ trì thực hiện." if name_in_body else "Điều 1. Quyết định này có hiệu lực."
    c.drawString(85, 650, body)
    c.drawString(85, 630, signer if name_in_body else "Điều 2. Thi hành.")
    c.setFont(SERIF_BOLD, 13)
    c.drawCentredString(420, 560, "KT. CHỦ TỊCH")
    c.drawCentredString(420, 544, "PHÓ CHỦ TỊCH")
    c.setFont(SERIF_BOLD, 14)
    c.drawCentredString(420, 460, signer)
    c.setFont(SERIF, 11)
    c.drawString(85, 560, "Nơi nhận:")
    c.drawString(85, 546, f"- {signer} (để biết);" if name_in_body else "- Lưu: VT.")
    if appendix:
        c.showPage()
        c.setFont(SERIF_BOLD, 14)
        c.drawCentredString(PAGE_W / 2, 780, "PHỤ LỤC")
        c.setFont(SERIF, 14)
        c.drawString(85, 740, "Danh sách kèm theo Quyết định.")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _assert_between_title_and_name(box: list[float], words: list[WordBox], page: int, name_first_word: str) -> None:
    name = _word([w for w in words if w.page == page], name_first_word, last=True)
    title = [w for w in words if w.page == page and w.text == "TỊCH"][-1]  # "PHÓ CHỦ TỊCH"
    x1, y1, x2, y2 = box
    assert name.y2 - 2 <= y1 <= name.y2 + 6, (box, name)  # just above the name…
    assert title.y1 - 6 <= y2 <= title.y1 + 2, (box, title)  # …and just under the title line
    assert x1 < (name.x1 + name.x2) / 2 < x2 and x1 >= PAGE_W / 2 - 1


# -- locate_fields on PDFs drawn at known positions ------------------------------------------------------------


def test_boxes_of_an_nd30_page(tmp_path: Path) -> None:
    pdf = _draw_nd30()
    words = _words(pdf, tmp_path)
    boxes = locate_fields(pdf, signer_name=SIGNER, place_name="Hà Nội")
    assert boxes["located"] is True
    assert all(boxes[key]["located"] and boxes[key]["page"] == 0 for key in FIELDS)
    so, ngay = _word(words, "Số:"), _word(words, "ngày")
    number = boxes[NUMBER_FIELD]["box"]
    assert so.x2 <= number[0] <= so.x2 + 4  # right after "Số:"…
    assert number[2] >= _word(words, "/QĐ-UBND").x2  # …over the pre-printed ký hiệu…
    assert number[2] < PAGE_W / 2 + 20  # …and within the left column
    assert number[1] <= so.y1 + 2 and number[3] >= so.y2 - 4  # on the "Số:" line
    date = boxes[DATE_FIELD]["box"]
    assert abs(date[0] - ngay.x1) <= 2 and date[2] >= _word(words, "2026").x2
    assert date[1] <= ngay.y1 + 2 and date[3] >= ngay.y2 - 4
    _assert_between_title_and_name(boxes[PERSONAL_SIG_FIELD]["box"], words, 0, "Trần")


def test_seal_covers_the_left_third_of_the_signature(tmp_path: Path) -> None:
    boxes = locate_fields(_draw_nd30(), signer_name=SIGNER)
    sx1, sy1, sx2, sy2 = boxes[PERSONAL_SIG_FIELD]["box"]
    x1, y1, x2, y2 = boxes[SEAL_BOX]["box"]
    assert abs((x1 + x2) / 2 - (sx1 + (sx2 - sx1) / 6)) < 1 and abs((y1 + y2) / 2 - (sy1 + sy2) / 2) < 1
    assert abs((x2 - x1) - 36 * MM) < 1 and boxes[SEAL_BOX]["page"] == boxes[PERSONAL_SIG_FIELD]["page"]


def test_the_name_in_the_body_or_in_noi_nhan_is_not_taken_for_the_signer_block(tmp_path: Path) -> None:
    pdf = _draw_nd30(name_in_body=True)
    boxes = locate_fields(pdf, signer_name=SIGNER)
    _assert_between_title_and_name(boxes[PERSONAL_SIG_FIELD]["box"], _words(pdf, tmp_path), 0, "Trần")


def test_signature_is_found_before_an_appendix_page(tmp_path: Path) -> None:
    pdf = _draw_nd30(appendix=True)
    boxes = locate_fields(pdf, signer_name=SIGNER)
    assert boxes[PERSONAL_SIG_FIELD]["page"] == 0 and boxes[PERSONAL_SIG_FIELD]["located"]


def test_signer_name_matches_whatever_the_case_and_spacing(tmp_path: Path) -> None:
    pdf = _draw_nd30(signer="TRẦN THỊ BÌNH")
    boxes = locate_fields(pdf, signer_name="  trần  thị bình ")
    assert boxes[PERSONAL_SIG_FIELD]["located"]
    _assert_between_title_and_name(boxes[PERSONAL_SIG_FIELD]["box"], _words(pdf, tmp_path), 0, "TRẦN")


def test_boxes_match_what_a_built_in_template_reports() -> None:
    rendered = template_render(TemplateFields(
        kind="QUYET_DINH", type_name="Quyết định", subject="Về việc thử nghiệm", body="Điều 1.\n\nĐiều 2.",
        agency_name="Sở Nội vụ", parent_agency_name="UBND tỉnh Demo", place_name="Hà Nội", to_places="Như trên",
        signing_capacity="KT.", authority="Giám đốc", signer_title="Phó Giám đốc", signer_name=SIGNER,
    ))
    found = locate_fields(rendered.pdf, signer_name=SIGNER)
    number, expected = found[NUMBER_FIELD]["box"], rendered.boxes[NUMBER_FIELD]["box"]
    assert found[NUMBER_FIELD]["located"] and abs(number[0] - expected[0]) < 4 and abs(number[1] - expected[1]) < 3
    signature, expected = found[PERSONAL_SIG_FIELD]["box"], rendered.boxes[PERSONAL_SIG_FIELD]["box"]
    assert found[PERSONAL_SIG_FIELD]["located"]
    assert abs(signature[0] - expected[0]) < 3 and abs(signature[2] - expected[2]) < 3
    assert signature[1] <= expected[1] + 2 and signature[3] >= expected[3] - 2  # the whole room between the lines
    assert signature[1] >= expected[1] - 10 and signature[3] <= expected[3] + 12
    # The template prints only the place before its empty date field: nothing to anchor the date on.
    assert not found[DATE_FIELD]["located"] and found["located"] is False


def test_missing_anchors_give_nd30_defaults_and_located_false() -> None:
    boxes = locate_fields(pdf_bytes("Khong co so, ngay, nguoi ky", pages=3), signer_name=SIGNER)
    assert boxes["located"] is False
    assert not any(boxes[key]["located"] for key in (*FIELDS, SEAL_BOX))
    number, date = boxes[NUMBER_FIELD], boxes[DATE_FIELD]
    assert number["page"] == 0 and number["box"][2] < PAGE_W / 2 and number["box"][1] > PAGE_H * 0.8
    assert date["page"] == 0 and date["box"][0] > PAGE_W / 2 - 20 and date["box"][1] > PAGE_H * 0.8
    signature = boxes[PERSONAL_SIG_FIELD]
    assert signature["page"] == 2  # the last page
    x1, y1, x2, y2 = signature["box"]
    assert x1 > PAGE_W / 2 - 20 and x2 < PAGE_W and y1 > 0 and y2 < PAGE_H / 3  # bottom right
    assert boxes[SEAL_BOX]["page"] == 2


def test_without_a_signer_name_the_signature_is_not_located() -> None:
    boxes = locate_fields(_draw_nd30(), signer_name="")
    assert boxes[NUMBER_FIELD]["located"] and boxes[DATE_FIELD]["located"]
    assert not boxes[PERSONAL_SIG_FIELD]["located"] and boxes["located"] is False


def test_unreadable_pdf_gives_the_defaults() -> None:
    boxes = locate_fields(b"%PDF-1.7 nothing here", signer_name=SIGNER)
    assert boxes["located"] is False and boxes[PERSONAL_SIG_FIELD]["page"] == 0


# -- drafts from DOCX / ODT ----------------------------------------------------------------------------------------


@pytest.fixture
def kit_signer(kit: AgencyKit) -> AgencyKit:
    kit.leader.user.full_name = SIGNER
    kit.leader.user.save(update_fields=["full_name"])
    return kit


def test_draft_from_docx_keeps_the_source_and_gets_a_pdf_with_located_boxes(
    kit_signer: AgencyKit, tmp_path: Path,
) -> None:
    source = docx_bytes(nd30_blocks(signer_name=SIGNER, pages=2))
    document = outgoing_create(actor=kit_signer.specialist, data=outgoing_input(kit_signer),
                               source=UploadedContent("Dự thảo QĐ.docx", source))
    version = document.versions.get()
    assert version.source is not None and version.source.content_type == DOCX
    assert blob_read(version.source) == source
    assert version.pdf.content_type == PDF and version.filename == "Dự thảo QĐ.pdf" and version.page_count == 2
    pdf = blob_read(version.pdf)
    boxes = version.field_boxes
    assert boxes["located"] is True
    words = _words(pdf, tmp_path)
    sig = boxes[PERSONAL_SIG_FIELD]
    assert sig["page"] == 1  # the signer block is on the last page
    _assert_between_title_and_name(sig["box"], words, 1, "Trần")
    so = _word(words, "Số:")
    assert so.page == 0 and boxes[NUMBER_FIELD]["page"] == 0
    assert so.x2 <= boxes[NUMBER_FIELD]["box"][0] <= so.x2 + 4
    assert boxes[NUMBER_FIELD]["box"][1] <= so.y1 + 2 <= boxes[NUMBER_FIELD]["box"][3]
    assert abs(boxes[DATE_FIELD]["box"][0] - _word(words, "ngày").x1) <= 2


def test_new_version_from_odt_alone_is_converted(kit_signer: AgencyKit) -> None:
    document = draft(kit_signer)
    version = outgoing_new_version(actor=kit_signer.specialist, document_id=document.pk,
                                   source=UploadedContent("v2.odt", odt_bytes(nd30_blocks(signer_name=SIGNER))))
    assert version.number == 2 and version.source is not None and version.source.content_type == ODT
    assert version.page_count == 1 and version.field_boxes["located"] is True
    assert version.field_boxes[PERSONAL_SIG_FIELD]["page"] == 0


def test_corrupt_docx_stores_nothing(kit_signer: AgencyKit) -> None:
    before = (OutgoingDocument.objects.count(), DraftVersion.objects.count(), Blob.objects.count())
    media = Path(settings.MEDIA_ROOT)
    files_before = sorted(media.rglob("*")) if media.exists() else []
    with pytest.raises(ApplicationError) as exc:
        outgoing_create(actor=kit_signer.specialist, data=outgoing_input(kit_signer),
                        source=UploadedContent("hong.docx", corrupt_docx()))
    assert exc.value.code == "convert_failed"
    assert (OutgoingDocument.objects.count(), DraftVersion.objects.count(), Blob.objects.count()) == before
    assert (sorted(media.rglob("*")) if media.exists() else []) == files_before


def test_uploaded_pdf_is_kept_when_a_source_comes_with_it(
    kit_signer: AgencyKit, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_conversion(**kwargs: object) -> bytes:
        raise AssertionError("an uploaded PDF must not be replaced by a conversion")

    monkeypatch.setattr(drafting, "office_to_pdf", no_conversion)
    pdf = _draw_nd30()
    source = docx_bytes(nd30_blocks(signer_name=SIGNER))
    document = outgoing_create(actor=kit_signer.specialist, data=outgoing_input(kit_signer),
                               upload=UploadedContent("du-thao.pdf", pdf), source=UploadedContent("a.docx", source))
    version = document.versions.get()
    assert blob_read(version.pdf) == pdf and blob_read(version.source) == source  # type: ignore[arg-type]
    assert version.field_boxes["located"] is True


def test_uploaded_pdf_without_anchors_is_flagged(kit_signer: AgencyKit) -> None:
    version = draft(kit_signer).versions.get()
    assert version.field_boxes["located"] is False
    assert set(version.field_boxes) == {*FIELDS, SEAL_BOX, "located"}


def test_a_source_that_is_not_docx_or_odt_is_refused(kit_signer: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as exc:
        outgoing_create(actor=kit_signer.specialist, data=outgoing_input(kit_signer),
                        source=UploadedContent("a.pdf", pdf_bytes()))
    assert exc.value.code == "draft_source_type"

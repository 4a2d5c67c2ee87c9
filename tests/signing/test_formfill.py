"""Filling the reserved number/date fields after the leader signed: a form-filling revision every validator accepts,
Vietnamese text drawn with an embedded font; reserving those fields in drafts that lack them; co-signed documents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps import HTTPTimeStamper

from tests.builders import pdf_bytes
from tests.outgoing.signing_kit import pdf_text
from tests.signing.signing_helpers import (
    assert_pdfsig_valid,
    assert_pyhanko_valid,
    blue_signature_png,
    p12_source,
    red_seal_png,
)
from vanthu.core.errors import ApplicationError
from vanthu.documents.outgoing.signing import image_only_appearance
from vanthu.documents.outgoing.template import (
    DATE_FIELD,
    NUMBER_FIELD,
    PERSONAL_SIG_FIELD,
    TemplateFields,
    template_render,
)
from vanthu.signing.appearance import personal_appearance, seal_appearance
from vanthu.signing.formfill import pdf_fill_text_fields, pdf_reserve_fields, pdf_text_field_values, text_fields
from vanthu.signing.pades import SigningSession, pdf_add_validation_info
from vanthu.signing.pki.testing import TestPki

NUMBER = "05/QĐ-UBND"
DATE = "ngày 05 tháng 3 năm 2026"
BOXES = {NUMBER_FIELD: {"page": 0, "box": [90, 716, 280, 734]}, DATE_FIELD: {"page": 0, "box": [300, 716, 560, 734]}}


@pytest.fixture(scope="module")
def template() -> tuple[bytes, dict[str, dict[str, object]]]:
    rendered = template_render(TemplateFields(
        kind="QUYET_DINH", type_name="Quyết định", subject="Về việc ban hành Kế hoạch chuyển đổi số",
        body="Điều 1. Ban hành Kế hoạch.\n\nĐiều 2. Quyết định có hiệu lực kể từ ngày ký.",
        agency_name="Ủy ban nhân dân tỉnh Demo", place_name="Hà Nội", signing_capacity="KT.",
        authority="Chủ tịch", signer_title="Phó Chủ tịch", signer_name="Nguyễn Văn An",
    ))
    return rendered.pdf, rendered.boxes


def _session(pki: TestPki, label: str) -> SigningSession:
    return SigningSession(key_source=p12_source(pki, label), timestamper=HTTPTimeStamper(pki.tsa_url),
                          validation_context=pki.validation_context())


def _sign(pki: TestPki, label: str, pdf: bytes, field: str, appearance: object = None) -> bytes:
    with _session(pki, label) as session:
        return session.sign(pdf=pdf, field_name=field, appearance=appearance)  # type: ignore[arg-type]


def _fill(pdf: bytes) -> bytes:
    return pdf_fill_text_fields(pdf, {NUMBER_FIELD: NUMBER, DATE_FIELD: DATE}, italic_fields=(DATE_FIELD,))


def test_filling_after_the_signature_is_form_filling_and_reads_right(
    test_pki: TestPki, template: tuple[bytes, dict[str, dict[str, object]]], tmp_path: Path,
) -> None:
    pdf, boxes = template
    sig_box = boxes[PERSONAL_SIG_FIELD]["box"]
    appearance = image_only_appearance(signature_png=blue_signature_png(), page=0, box=tuple(sig_box))  # type: ignore[arg-type]
    signed = _sign(test_pki, "person-rsa", pdf, PERSONAL_SIG_FIELD, appearance)
    filled = _fill(signed)
    assert filled.startswith(signed), "an incremental update"
    [status] = assert_pyhanko_valid(filled, test_pki, count=1)
    assert status.modification_level == ModificationLevel.FORM_FILLING
    assert status.docmdp_ok
    assert_pdfsig_valid(filled, test_pki, tmp_path, count=1)

    text = " ".join(pdf_text(filled, tmp_path).split())
    assert f"Số: {NUMBER}" in text
    assert f"Hà Nội, {DATE}" in text
    assert pdf_text_field_values(filled) == {NUMBER_FIELD: NUMBER, DATE_FIELD: DATE}

    reader = PdfFileReader(io.BytesIO(filled), strict=False)
    assert "/NeedAppearances" not in reader.root["/AcroForm"]
    fields = text_fields(reader)
    for name in (NUMBER_FIELD, DATE_FIELD):
        field = fields[name].get_object()
        assert int(field["/Ff"]) & 1, f"{name} is read-only once filled"
        appearance_stream = field["/AP"]["/N"]
        # The appearance is the imported ReportLab page: its font is embedded (a TrueType font file).
        font_files = _embedded_font_files(appearance_stream)
        assert font_files, f"{name}: the Vietnamese font is embedded"


def _embedded_font_files(xobject: object) -> list[object]:
    found: list[object] = []

    def walk(obj: object, depth: int = 0) -> None:
        if depth > 8:
            return
        obj = obj.get_object() if hasattr(obj, "get_object") else obj
        if isinstance(obj, dict):
            if "/FontFile2" in obj:
                found.append(obj["/FontFile2"])
            for key, value in obj.items():
                if key not in ("/Parent", "/P"):
                    walk(value, depth + 1)
        elif isinstance(obj, list):
            for value in obj:
                walk(value, depth + 1)

    walk(xobject)
    return found


def test_a_missing_or_non_text_field_is_refused(test_pki: TestPki) -> None:
    plain = pdf_bytes()
    with pytest.raises(ApplicationError) as info:
        pdf_fill_text_fields(plain, {NUMBER_FIELD: NUMBER})
    assert info.value.code == "form_field_missing"
    reserved = pdf_reserve_fields(plain, BOXES)
    with pytest.raises(ApplicationError):
        pdf_fill_text_fields(reserved, {"vanthu_khong_co": "x"})
    signed = _sign(test_pki, "person-rsa", reserved, PERSONAL_SIG_FIELD)
    with pytest.raises(ApplicationError) as info:
        pdf_fill_text_fields(signed, {PERSONAL_SIG_FIELD: "x"})
    assert info.value.extra["not_text"] == [PERSONAL_SIG_FIELD]


def test_reserving_fields_in_a_plain_draft_then_sign_and_fill(test_pki: TestPki, tmp_path: Path) -> None:
    plain = pdf_bytes("Du thao tai len", pages=2)
    reserved = pdf_reserve_fields(plain, BOXES)
    assert set(pdf_text_field_values(reserved)) == {NUMBER_FIELD, DATE_FIELD}
    assert pdf_reserve_fields(reserved, BOXES) == reserved, "fields already there: nothing to add"
    block = personal_appearance(capacity="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH", full_name="Trần Thị Bình",
                                signature_png=blue_signature_png(), page=1, box=(300, 120, 540, 290))
    signed = _sign(test_pki, "person-ec", reserved, PERSONAL_SIG_FIELD, block)
    with pytest.raises(ApplicationError) as info:
        pdf_reserve_fields(signed, BOXES)
    assert info.value.code == "form_fields_after_signature"
    filled = pdf_fill_text_fields(signed, {NUMBER_FIELD: f"Số: {NUMBER}", DATE_FIELD: f"Hà Nội, {DATE}"},
                                  italic_fields=(DATE_FIELD,))
    [status] = assert_pyhanko_valid(filled, test_pki, count=1)
    assert status.modification_level == ModificationLevel.FORM_FILLING
    assert_pdfsig_valid(filled, test_pki, tmp_path, count=1)
    text = pdf_text(filled, tmp_path)
    assert f"Số: {NUMBER}" in text and f"Hà Nội, {DATE}" in text


def test_long_text_shrinks_to_its_box() -> None:
    reserved = pdf_reserve_fields(pdf_bytes(), {NUMBER_FIELD: {"page": 0, "box": [90, 716, 150, 734]},
                                                DATE_FIELD: {"page": 0, "box": [300, 716, 560, 734]}})
    filled = pdf_fill_text_fields(reserved, {NUMBER_FIELD: "1234/QĐ-UBND-VPĐT"})
    assert pdf_text_field_values(filled)[NUMBER_FIELD] == "1234/QĐ-UBND-VPĐT"


def test_two_leaders_co_sign_and_every_signature_survives_fill_and_seal(
    test_pki: TestPki, template: tuple[bytes, dict[str, dict[str, object]]], tmp_path: Path,
) -> None:
    pdf, boxes = template
    x1, y1, x2, y2 = (float(v) for v in boxes[PERSONAL_SIG_FIELD]["box"])  # type: ignore[attr-defined]
    first = image_only_appearance(signature_png=blue_signature_png(), page=0, box=(x1, y1, x2, y2))
    second = personal_appearance(capacity="TM. SỞ TÀI CHÍNH", title="GIÁM ĐỐC", full_name="Trần Thị Bình",
                                 signature_png=blue_signature_png(), page=0, box=(70, 420, 290, 560))
    doc = _sign(test_pki, "person-rsa", pdf, PERSONAL_SIG_FIELD, first)
    doc = _sign(test_pki, "person-ec", doc, "vanthu_sig_personal_2", second)
    doc = _fill(doc)
    seal = seal_appearance(seal_png=red_seal_png(), over=first, diameter_mm=36)
    doc = _sign(test_pki, "agency-rsa", doc, "vanthu_seal", seal)
    doc = pdf_add_validation_info(doc, test_pki.validation_context())
    statuses = assert_pyhanko_valid(doc, test_pki, count=3)
    assert statuses[0].modification_level == ModificationLevel.FORM_FILLING
    assert statuses[1].modification_level == ModificationLevel.FORM_FILLING
    assert_pdfsig_valid(doc, test_pki, tmp_path, count=3)
    vri = PdfFileReader(io.BytesIO(doc), strict=False).root["/DSS"]["/VRI"]
    assert len(vri) >= 3

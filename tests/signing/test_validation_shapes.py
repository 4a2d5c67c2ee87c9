# pyHanko's PDF object helpers are untyped.
# mypy: disable-error-code="no-untyped-call"
"""``pdf_validate`` on the PDF shapes other tools write (tests/signing/pdf_shapes.py): never an exception, and the
verdict pyHanko's own validation gives with the same trust roots; what poppler's ``pdfsig`` says is pinned too."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from tests.builders import pdf_bytes
from tests.signing import pdf_shapes as shapes
from tests.signing.signing_helpers import pdfsig_output
from tests.signing.test_validation import remove_signature_value
from vanthu.core.files import UploadedContent
from vanthu.signing.config import signing_config_reset
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.services import trust_root_save
from vanthu.signing.validation import Indication, Integrity, ValidationReport, pdf_validate
from vanthu.signing.validation import validate as validate_module
from vanthu.signing.validation.report_pdf import signature_report_pdf
from vanthu.signing.validation.validate import KEY_USAGE

PASSED, FAILED, UNDETERMINED = Indication.TOTAL_PASSED, Indication.TOTAL_FAILED, Indication.INDETERMINATE

Builder = Callable[[TestPki], bytes]


def _objstm_two(pki: TestPki) -> bytes:
    return shapes.pyhanko_sign(shapes.pyhanko_sign(shapes.objstm_pdf(), pki, "person-rsa", field="A"),
                               pki, "agency-rsa", field="B")


def _acrobat_twice(pki: TestPki, *, recycle: bool = False, base: bytes | None = None) -> bytes:
    first = shapes.adobe_sign(base or shapes.objstm_pdf(), pki, "person-rsa", field="ChuKy1")
    return shapes.adobe_sign(first, pki, "agency-rsa", field="ChuKy2", recycle_object_streams=recycle)


def _hybrid_two(pki: TestPki) -> bytes:
    return shapes.pyhanko_sign(shapes.pyhanko_sign(shapes.hybrid_pdf(), pki, "person-rsa", field="A"),
                               pki, "agency-rsa", field="B")


def _timestamp_after_three(pki: TestPki) -> bytes:
    pdf = shapes.pyhanko_sign(shapes.objstm_pdf(), pki, "person-rsa", field="A")
    pdf = shapes.adobe_sign(pdf, pki, "person-ec", field="B")
    return shapes.document_timestamp(shapes.pyhanko_sign(pdf, pki, "agency-rsa", field="C"), pki)


# name → (builder, our verdict = pyHanko's, signatures pdfsig calls valid)
SHAPES: dict[str, tuple[Builder, Indication, int]] = {
    "objstm-xrefstream-two-signatures": (_objstm_two, PASSED, 2),
    "acrobat-style-twice-on-objstm": (_acrobat_twice, PASSED, 2),
    "acrobat-style-twice-on-classic-xref": (lambda pki: _acrobat_twice(pki, base=pdf_bytes()), PASSED, 2),
    "hybrid-reference-two-signatures": (_hybrid_two, PASSED, 2),
    "hybrid-reference-acrobat-style": (
        lambda pki: shapes.adobe_sign(shapes.hybrid_pdf(), pki, "person-rsa", field="A"), PASSED, 1),
    "twelve-revisions": (shapes.revisions_twelve, PASSED, 4),
    "document-timestamp-after-three-signatures": (_timestamp_after_three, PASSED, 3),
    "empty-signature-field-after-signing": (
        lambda pki: shapes.empty_signature_field(
            shapes.adobe_sign(shapes.objstm_pdf(), pki, "person-rsa", field="A"), "DeTrong"), PASSED, 1),
    "page-added-after-signing": (lambda pki: shapes.add_page(_acrobat_twice(pki)), FAILED, 2),
    "annotation-added-after-signing": (lambda pki: shapes.add_annotation(_acrobat_twice(pki)), FAILED, 2),
    # pyHanko finds no signature (it reads the form); poppler finds the widget and validates it.
    "signature-widget-not-in-form": (
        lambda pki: shapes.adobe_sign(shapes.objstm_pdf(), pki, "person-rsa", field="A", in_form=False),
        UNDETERMINED, 1),
}


@pytest.fixture(scope="module")
def built(test_pki: TestPki) -> dict[str, bytes]:
    return {name: builder(test_pki) for name, (builder, _verdict, _pdfsig) in SHAPES.items()}


@pytest.fixture(scope="module")
def recycled(test_pki: TestPki) -> bytes:
    """Acrobat-style second signature that rewrote the first revision's object stream and reused its number."""
    return _acrobat_twice(test_pki, recycle=True)


def validate(pdf: bytes, pki: TestPki) -> ValidationReport:
    return pdf_validate(pdf=pdf, validation_context=pki.validation_context())


def pyhanko_verdict(pdf: bytes, pki: TestPki) -> Indication:
    """pyHanko's own judgement of every signature, the worst one: its bottom line passes; a broken hash or value,
    or changes its difference analysis rejects, fail; anything else (trust) is undetermined; no signature too."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    verdicts = []
    for sig in reader.embedded_regular_signatures:
        status = validate_pdf_signature(sig, signer_validation_context=pki.validation_context(),
                                        ts_validation_context=pki.validation_context(), key_usage_settings=KEY_USAGE)
        if status.bottom_line:
            verdicts.append(PASSED)
        elif not (status.intact and status.valid) or status.docmdp_ok is False:
            verdicts.append(FAILED)
        else:
            verdicts.append(UNDETERMINED)
    if not verdicts:
        return UNDETERMINED
    return FAILED if FAILED in verdicts else UNDETERMINED if UNDETERMINED in verdicts else PASSED


@pytest.mark.parametrize("name", SHAPES)
def test_verdict_on_each_shape_is_the_one_pyhanko_gives(name: str, built: dict[str, bytes],
                                                         test_pki: TestPki) -> None:
    report = validate(built[name], test_pki)

    assert report.indication is SHAPES[name][1], (report.reasons, [s.reasons for s in report.signatures])
    assert report.indication is pyhanko_verdict(built[name], test_pki)


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler-utils (apt-get install poppler-utils)")
@pytest.mark.parametrize("name", SHAPES)
def test_pdfsig_reads_each_shape(name: str, built: dict[str, bytes], test_pki: TestPki, tmp_path: Path) -> None:
    """pdfsig checks each signature over its own byte range and does not analyse later changes, so it calls the
    signatures of the page/annotation shapes valid too, and it sees the widget the form does not list."""
    assert pdfsig_output(built[name], test_pki, tmp_path).count("Signature is Valid") == SHAPES[name][2]


def test_recycled_object_stream_numbers_make_pyhanko_fail_on_the_first_signature(
        recycled: bytes, test_pki: TestPki) -> None:
    first = PdfFileReader(BytesIO(recycled), strict=False).embedded_regular_signatures[0]

    with pytest.raises(AssertionError):
        validate_pdf_signature(first, signer_validation_context=test_pki.validation_context())


def test_recycled_object_stream_numbers_leave_the_first_signature_undetermined(
        recycled: bytes, test_pki: TestPki) -> None:
    report = validate(recycled, test_pki)

    first, second = report.signatures
    assert (report.indication, report.sub_indication, report.reasons) == (UNDETERMINED, "GENERIC", ())
    assert (first.indication, first.sub_indication, first.integrity) == (UNDETERMINED, "GENERIC", Integrity.INTACT)
    assert first.signer_name == "Nguyễn Văn An" and first.timestamp_valid is True
    assert any("Không phân tích được những thay đổi" in reason for reason in first.reasons)
    assert second.indication is PASSED


@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler-utils (apt-get install poppler-utils)")
def test_pdfsig_calls_both_recycled_signatures_valid(recycled: bytes, test_pki: TestPki, tmp_path: Path) -> None:
    assert pdfsig_output(recycled, test_pki, tmp_path).count("Signature is Valid") == 2


def test_signature_removed_from_an_acrobat_style_file_is_reported(built: dict[str, bytes],
                                                                   test_pki: TestPki) -> None:
    report = validate(remove_signature_value(built["acrobat-style-twice-on-objstm"], "ChuKy1"), test_pki)

    assert report.indication is FAILED
    assert any("ChuKy1" in reason and "bị xóa" in reason for reason in report.reasons)


def test_signature_dictionary_rewritten_later_counts_as_removed(built: dict[str, bytes], test_pki: TestPki) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(built["objstm-xrefstream-two-signatures"]), strict=False)
    field = next(ref.get_object() for ref in writer.root["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == "A")
    value = field.raw_get("/V")
    value.get_object()[generic.NameObject("/Reason")] = generic.TextStringObject("Sua lai")
    writer.mark_update(value)
    out = BytesIO()
    writer.write(out)

    report = validate(out.getvalue(), test_pki)

    assert any("«A»" in reason and "bị xóa" in reason for reason in report.reasons)


def test_more_revisions_than_walked_is_undetermined_with_the_reason(
        built: dict[str, bytes], test_pki: TestPki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate_module, "MAX_REVISIONS", 11)

    report = validate(built["twelve-revisions"], test_pki)

    assert (report.indication, report.sub_indication) == (UNDETERMINED, "GENERIC")
    assert any("12 phiên bản" in reason for reason in report.reasons)


def test_garbled_signature_container_is_invalid_as_format_failure(built: dict[str, bytes],
                                                                   test_pki: TestPki) -> None:
    pdf = built["objstm-xrefstream-two-signatures"]
    byte_range = PdfFileReader(BytesIO(pdf), strict=False).embedded_regular_signatures[0].sig_object["/ByteRange"]
    start, end = byte_range[1] + 1, byte_range[2] - 1  # inside < … >: the hexadecimal CMS container
    garbled = pdf[:start] + b"30" + b"f" * (end - start - 2) + pdf[end:]

    report = validate(garbled, test_pki)

    garbled_one = next(sig for sig in report.signatures if sig.field_name == "A")
    assert (garbled_one.indication, garbled_one.sub_indication) == (FAILED, "FORMAT_FAILURE")
    assert garbled_one.reasons == ("Chữ ký số bị hỏng: không đọc được dữ liệu chữ ký.",)


@pytest.mark.django_db
@pytest.mark.tool
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (apt-get install poppler-utils)")
def test_receivers_signature_report_covers_files_it_cannot_fully_check(
        recycled: bytes, test_pki: TestPki, tmp_path: Path) -> None:
    trust_root_save(cert=certs_from_pem(test_pki.root_pem)[0], user=None)
    signing_config_reset()
    files = [UploadedContent("ky-hai-lan.pdf", recycled), UploadedContent("hong.pdf", b"%PDF-1.7\nhong\n")]

    report = tmp_path / "bao-cao.pdf"
    report.write_bytes(signature_report_pdf(heading=["Văn bản số 12/UBND"], files=files))

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(report), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    assert "Kết quả: CHƯA XÁC ĐỊNH [INDETERMINATE/GENERIC]" in text
    assert "Không đọc được tệp: tệp không phải PDF hoặc đã hỏng." in text

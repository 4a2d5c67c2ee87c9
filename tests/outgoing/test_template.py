from __future__ import annotations

import io
import subprocess

import pytest

from tests.builders import AgencyKit
from tests.outgoing.helpers import outgoing_input
from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError
from vanthu.documents.outgoing.inputs import TemplateInput
from vanthu.documents.outgoing.services import outgoing_create
from vanthu.documents.outgoing.template import DATE_FIELD, NUMBER_FIELD, PERSONAL_SIG_FIELD, SEAL_BOX

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def _fields(pdf: bytes) -> dict[str, str]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))  # strict: the template must be a clean PDF
    return {str(f.get_object()["/T"]): str(f.get_object().get("/FT")) for f in reader.root["/AcroForm"]["/Fields"]}


@pytest.mark.parametrize("code", ["CONG_VAN", "QUYET_DINH", "TO_TRINH", "THONG_BAO", "GIAY_MOI"])
def test_template_has_vietnamese_text_and_the_number_date_and_signature_fields(kit: AgencyKit, code: str) -> None:
    document = outgoing_create(
        actor=kit.specialist, data=outgoing_input(kit, code, signing_capacity="KT.", signer_title="Phó Giám đốc"),
        template=TemplateInput(body="Căn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư.\n\nĐề nghị các đơn vị "
                               "triển khai thực hiện nghiêm túc.", authority="Giám đốc",
                               addressees="Các phòng, đơn vị thuộc Sở", place_name="Hà Nội"),
    )
    version = document.versions.get()
    pdf = blob_read(version.pdf)
    text = _text(pdf)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số:", "Hà Nội,",
                     "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", kit.leader.user.full_name, "Nơi nhận:",
                     "Đề nghị các đơn vị triển khai thực hiện nghiêm túc.", kit.agency.name.upper()):
        assert expected in text, expected
    if code == "CONG_VAN":
        assert "V/v Về việc ban hành" in text
    else:
        assert document.document_type.name.upper() in text
    fields = _fields(pdf)
    assert fields[NUMBER_FIELD] == "/Tx" and fields[DATE_FIELD] == "/Tx" and fields[PERSONAL_SIG_FIELD] == "/Sig"
    assert version.template == code
    sig = version.field_boxes[PERSONAL_SIG_FIELD]["box"]
    seal = version.field_boxes[SEAL_BOX]["box"]
    # The seal is centred on the left third of the signature area.
    assert seal[0] < sig[0] + (sig[2] - sig[0]) / 6 < seal[2]
    assert version.field_boxes[NUMBER_FIELD]["page"] == 0


def test_long_body_flows_onto_more_pages_with_the_signature_after_it(kit: AgencyKit) -> None:
    body = "\n\n".join(f"Điều {i}. Nội dung quy định chi tiết về công tác văn thư, lưu trữ của cơ quan." * 3
                       for i in range(1, 40))
    document = outgoing_create(actor=kit.specialist, data=outgoing_input(kit, "QUYET_DINH"),
                               template=TemplateInput(body=body))
    version = document.versions.get()
    assert version.page_count is not None and version.page_count > 1
    assert version.field_boxes[PERSONAL_SIG_FIELD]["page"] == version.page_count - 1


def test_type_without_a_template_is_refused(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as exc:
        outgoing_create(actor=kit.specialist, data=outgoing_input(kit, "BAO_CAO"), template=TemplateInput(body="x"))
    assert exc.value.code == "no_template"

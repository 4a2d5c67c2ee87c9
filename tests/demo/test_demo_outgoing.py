"""`vanthu demo-sign`: the demo's outgoing documents in every state, really signed with the demo PKI, with the
recipients' statuses flowing back. Run once for the module on a reduced demo (a few incoming documents, the demo
PKI for two agencies only). The agency signatures run as batches in a background thread, which must see committed
rows, so the run commits and the database is emptied (and its reference data re-seeded) after the module."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError
from vanthu.core.files import DOCX, text_extract
from vanthu.demo.data import AGENCIES, PROVINCE_CODE
from vanthu.demo.loader import database_wipe, demo_load
from vanthu.demo.outgoing import demo_pki_running
from vanthu.demo.pki import init_demo_pki
from vanthu.demo.pki.register import demo_pki_register
from vanthu.documents.convert import office_available
from vanthu.documents.enums import Channel, IncomingState, RegisterKind
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDocument, RecallState
from vanthu.organizations.models import Agency
from vanthu.signing.audit.verify import audit_verify
from vanthu.signing.models import SigningJob, SigningJobState

pytestmark = pytest.mark.django_db
SIGNING_AGENCIES = ("ubnd", "sotc")  # a demo PKI for these two keeps the module fast; the rest only receive


@dataclass(frozen=True)
class DemoRun:
    directory: Path
    output: str
    answered_after: bool  # whether the PKI service still answered once the command was done


def _answers(directory: Path) -> bool:
    url = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))["services"]["crl_url"]
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _demo_sign(directory: Path) -> str:
    out = io.StringIO()
    call_command("demo_sign", "--dir", str(directory), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[DemoRun]:
    """demo-load (reduced) → the demo PKI registered → `vanthu demo-sign`, with no PKI service running."""
    directory = tmp_path_factory.mktemp("demo-pki")
    init_demo_pki(directory, port=_free_port(), agencies=[a for a in AGENCIES if a.slug in SIGNING_AGENCIES])
    with django_db_blocker.unblock():
        try:
            demo_load(documents=6)
            demo_pki_register(directory)
            output = _demo_sign(directory)
            yield DemoRun(directory=directory, output=output, answered_after=_answers(directory))
        finally:
            database_wipe()


@pytest.fixture(scope="module")
def serving(demo: DemoRun) -> Iterator[DemoRun]:
    """The demo PKI service again (demo-sign stopped the one it started), to validate the signatures."""
    with demo_pki_running(demo.directory) as started:
        assert started
        yield demo


def _documents(state: str) -> list[OutgoingDocument]:
    return list(OutgoingDocument.objects.filter(state=state).order_by("id"))


def _latest_pdf(document: OutgoingDocument) -> bytes:
    version = document.versions.order_by("-number").first()
    assert version is not None
    return blob_read(version.pdf)


def _statuses(pdf: bytes, directory: Path) -> list[Any]:
    """pyHanko's own verdict on every signature, trusting only the demo root, revocation fetched live."""
    root = asn1_x509.Certificate.load(pem.unarmor((directory / "root.pem").read_bytes())[2])
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return [validate_pdf_signature(sig, signer_validation_context=ValidationContext(
        trust_roots=[root], allow_fetching=True, revocation_mode="hard-fail")) for sig in reader.embedded_signatures]


def _assert_valid(pdf: bytes, directory: Path, *, signers: list[str]) -> list[Any]:
    statuses = _statuses(pdf, directory)
    assert [s.signing_cert.subject.native["common_name"] for s in statuses] == signers
    for status in statuses:
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.timestamp_validity is not None and status.timestamp_validity.valid
    return statuses


def test_every_outgoing_state_is_present_for_the_signing_agencies(demo: DemoRun) -> None:
    states = set(OutgoingDocument.objects.values_list("state", flat=True))
    assert states == set(OutgoingState.values)
    senders = set(OutgoingDocument.objects.values_list("agency__organ_id", flat=True))
    assert senders == {a.organ_id for a in AGENCIES if a.slug in SIGNING_AGENCIES}
    assert "Đã tạo" in demo.output and "Đã ban hành" in demo.output and "123456" in demo.output


def test_the_pki_service_was_started_for_the_run_and_stopped_after(demo: DemoRun) -> None:
    assert "Đã tạm chạy dịch vụ PKI demo" in demo.output
    assert not demo.answered_after


def test_the_vanthu_command_knows_demo_sign(tmp_path: Path) -> None:
    env = {**os.environ, "VANTHU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "vanthu.config.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "vanthu.cli", "demo-sign", "--help"], env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    assert "--dir" in result.stdout and "PKI demo" in result.stdout


def test_signed_documents_carry_the_leaders_valid_signature(serving: DemoRun) -> None:
    [signed] = _documents(OutgoingState.SIGNED)
    assert signed.signer is not None and signed.has_valid_personal_signature
    _assert_valid(_latest_pdf(signed), serving.directory, signers=[signed.signer.full_name])
    [numbered] = _documents(OutgoingState.NUMBERED)
    statuses = _assert_valid(_latest_pdf(numbered), serving.directory, signers=[numbered.signer.full_name])
    assert statuses[0].modification_level.name == "FORM_FILLING"  # the number and date filled after signing
    text = text_extract(content=_latest_pdf(numbered), content_type="application/pdf")
    if text:
        assert numbered.reference in text


def test_issued_documents_carry_both_signatures_and_the_stamped_attachment(serving: DemoRun) -> None:
    issued = [d for d in _documents(OutgoingState.ISSUED) if not d.is_secret]
    assert len(issued) >= 2
    for document in issued:
        assert document.has_valid_personal_signature and document.has_valid_org_signature
        assert document.signer is not None
        _assert_valid(_latest_pdf(document), serving.directory,
                      signers=[document.signer.full_name, document.agency.name])
    sealed = OutgoingDocument.objects.filter(has_valid_org_signature=True).count()
    assert SigningJob.objects.filter(state=SigningJobState.DONE, done=1).count() == sealed  # one batch each
    attachments = [a for d in issued for a in d.attachments.all()]
    assert attachments and all(a.stamped_id for a in attachments)
    _assert_valid(blob_read(attachments[0].stamped), serving.directory, signers=[issued[0].agency.name])


def test_recipients_moved_their_copies_to_every_status_and_the_sender_sees_them(demo: DemoRun) -> None:
    expected = {"01": IncomingState.ARRIVED, "02": IncomingState.RETURNED, "03": IncomingState.REGISTERED,
                "04": IncomingState.ASSIGNED, "05": IncomingState.IN_PROGRESS, "06": IncomingState.COMPLETED}
    seen: dict[str, set[str]] = {}
    for document in _documents(OutgoingState.ISSUED):
        for delivery in document.deliveries.filter(kind=DeliveryKind.AGENCY).select_related("incoming"):
            assert delivery.incoming is not None and delivery.incoming.agency_id == delivery.agency_id
            seen.setdefault(delivery.status_code, set()).add(delivery.incoming.state)
            history = list(delivery.events.order_by("reported_at", "id").values_list("code", flat=True))
            assert history[0] == "01" and history[-1] == delivery.status_code
    assert {code: {state} for code, state in expected.items()} == {c: seen[c] for c in expected}
    units = OutgoingDocument.objects.filter(state=OutgoingState.ISSUED, deliveries__kind=DeliveryKind.UNIT)
    assert units.exists()


def test_one_recall_agreed_and_one_refused(demo: DemoRun) -> None:
    [recalled] = _documents(OutgoingState.RECALLED)
    assert recalled.recall_reason
    deliveries = list(recalled.deliveries.filter(kind=DeliveryKind.AGENCY).select_related("incoming"))
    by_state = {d.recall_state: d for d in deliveries}
    assert set(by_state) == {RecallState.AGREED, RecallState.REFUSED}
    agreed, refused = by_state[RecallState.AGREED], by_state[RecallState.REFUSED]
    assert agreed.status_code == "15" and agreed.incoming is not None
    assert agreed.incoming.state == IncomingState.RECALLED and not agreed.incoming.files.exists()
    assert refused.status_code == "16" and refused.status_description
    assert refused.incoming is not None and refused.incoming.state == IncomingState.ASSIGNED


def test_the_secret_document_is_numbered_in_its_own_register_and_issued_on_paper_only(demo: DemoRun) -> None:
    [secret] = OutgoingDocument.objects.filter(confidentiality__gt=0)
    assert secret.state == OutgoingState.ISSUED and secret.channel == Channel.PAPER and secret.signed_on_paper
    assert secret.register is not None and secret.register.kind == RegisterKind.SECRET_OUTGOING
    assert set(secret.deliveries.values_list("kind", flat=True)) == {DeliveryKind.UNIT}
    assert not secret.deliveries.filter(sent_at__isnull=False).exists()
    assert not IncomingDocument.objects.filter(subject=secret.subject).exists()


def test_cancelled_voided_and_returned_drafts_keep_their_reasons(demo: DemoRun) -> None:
    [cancelled] = _documents(OutgoingState.CANCELLED)
    [voided] = _documents(OutgoingState.VOIDED)
    assert cancelled.cancel_reason and cancelled.number is None
    assert voided.cancel_reason and voided.number is not None  # the number stays used
    [returned] = _documents(OutgoingState.CHANGES_REQUESTED)
    assert returned.review_steps.filter(state="RETURNED").exclude(comment="").exists()


@pytest.mark.skipif(not office_available(), reason="needs LibreOffice (soffice)")
def test_one_draft_was_written_in_word_and_converted(demo: DemoRun) -> None:
    [docx] = [d for d in OutgoingDocument.objects.all() if d.versions.filter(source__isnull=False).exists()]
    version = docx.versions.get()
    assert version.source is not None and version.source.content_type == DOCX
    assert version.field_boxes["located"], "the number, date and signature were found in the converted PDF"
    assert docx.state == OutgoingState.AWAITING_SIGNATURE


def test_running_it_again_changes_nothing_and_the_audit_chain_holds(demo: DemoRun) -> None:
    before = OutgoingDocument.objects.count(), IncomingDocument.objects.count()
    again = _demo_sign(demo.directory)
    assert "không thay đổi gì" in again
    assert (OutgoingDocument.objects.count(), IncomingDocument.objects.count()) == before
    assert list(audit_verify()) == []


def test_without_the_demo_province_it_asks_for_demo_load(demo: DemoRun) -> None:
    Agency.objects.filter(organ_id=PROVINCE_CODE).update(organ_id="000.00.00.H98")  # rolled back with the test
    with pytest.raises(CommandError, match="demo-load"):
        _demo_sign(demo.directory)


def test_a_missing_pki_folder_asks_for_pki_init(tmp_path: Path) -> None:
    with pytest.raises(ApplicationError, match="pki init"), demo_pki_running(tmp_path / "none"):
        pass


def test_a_running_service_is_used_and_a_stranger_on_the_port_is_refused(serving: DemoRun, tmp_path: Path) -> None:
    with demo_pki_running(serving.directory) as started:
        assert not started  # the `serving` fixture's service answers

    class NotPki(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), NotPki)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        prefix = f"http://127.0.0.1:{server.server_port}/vanthu-demo"
        (tmp_path / "manifest.json").write_text(
            f'{{"services": {{"crl_url": "{prefix}/crls/interm/latest.crl", "tsa_url": "{prefix}/tsa/tsa"}}}}')
        with pytest.raises(ApplicationError, match="chương trình khác"), demo_pki_running(tmp_path):
            pass
    finally:
        server.shutdown()
        server.server_close()

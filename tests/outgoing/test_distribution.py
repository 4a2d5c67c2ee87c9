"""Issue and distribution (ND30 Điều 16–17): units, agencies of the deployment, secret documents on paper only.

The sealed PDF is real: signed with the test PKI's personal certificate, then sealed with the agency certificate
(B-LT); the signature report every recipient gets is made by the real validator against the test root.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from tests.builders import AgencyKit, make_agency_kit, pdf_bytes
from tests.outgoing.helpers import signed
from tests.signing.signing_helpers import p12_source
from vanthu.core.blobs import blob_read, blob_store
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.core.files import PDF, text_extract
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import Channel, FileRole, IncomingState
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.distribution import SIGNATURE_REPORT_FILENAME, ExternalRecipient, outgoing_issue
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingAttachment, OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.selectors import outgoing_get_for_user, outgoing_list_for_user
from vanthu.documents.outgoing.services import outgoing_mark_sealed, outgoing_number
from vanthu.notifications.models import Notification
from vanthu.organizations.actor import actor_for
from vanthu.organizations.enums import AgencyKind
from vanthu.organizations.services import agency_create, membership_create, unit_create, user_create
from vanthu.signing.pades import pdf_sign
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db


# --- builders shared by the recall and status tests -------------------------------------------------------------

def _sign(pki: TestPki, pdf: bytes, label: str, field: str, level: str = "B-T") -> bytes:
    return pdf_sign(pdf=pdf, key_source=p12_source(pki, label), appearance=None, field_name=field,
                    validation_context=pki.validation_context(), timestamp_url=pki.tsa_url,
                    level=level)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sealed_pdf(test_pki: TestPki) -> bytes:
    """A decision signed by a person, then sealed by the agency with validation data for both (B-LT)."""
    personal = _sign(test_pki, pdf_bytes("Quyet dinh ban hanh ke hoach", pages=2), "person-rsa", "vanthu_sig_personal")
    return _sign(test_pki, personal, "agency-rsa", "vanthu_seal", level="B-LT")


@pytest.fixture(scope="session")
def stamped_attachment(test_pki: TestPki) -> bytes:
    return _sign(test_pki, pdf_bytes("Phu luc kem theo"), "agency-rsa", "vanthu_attachment_seal", level="B-LT")


@pytest.fixture
def trusted(settings: Any, test_pki: TestPki) -> Iterator[None]:
    settings.VANTHU_TRUST_ROOTS = [str(test_pki.root_pem_path)]
    yield


@pytest.fixture
def third_kit(db: None) -> AgencyKit:
    return make_agency_kit()


def sealed_document(kit: AgencyKit, pdf: bytes, *, attachment: bytes | None = None,
                    recipients: tuple[int, ...] = (), **overrides: object) -> OutgoingDocument:
    """Drafted, reviewed, signed, numbered and sealed with ``pdf`` (the signing code's part is done by hand)."""
    document = signed(kit, "QUYET_DINH", recipient_ids=recipients, **overrides)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    if attachment is not None:
        # Attachments are added while drafting and stamped by the sealing code (engineer A's services).
        OutgoingAttachment.objects.create(
            document=document, filename="phu-luc-01.pdf", created_by=kit.specialist.user,
            original=blob_store(content=pdf_bytes("Phu luc kem theo"), content_type=PDF),
            stamped=blob_store(content=attachment, content_type=PDF),
        )
    return outgoing_mark_sealed(actor=kit.clerk, document_id=document.pk, sealed_pdf=pdf)


def issue_to(kit: AgencyKit, document: OutgoingDocument, *recipients: AgencyKit) -> dict[int, IncomingDocument]:
    """Issue to the office unit and to each recipient agency; returns each agency's copy by agency id."""
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.office.pk,),
                   agency_ids=tuple(r.agency.pk for r in recipients))
    return {d.agency_id: d.incoming for d in OutgoingDelivery.objects.filter(document=document, kind="AGENCY")
            .select_related("incoming") if d.agency_id and d.incoming}


def delivery_to(document: OutgoingDocument, recipient: AgencyKit) -> OutgoingDelivery:
    return OutgoingDelivery.objects.get(document=document, agency=recipient.agency)


def audit_types(target_type: str, target_id: int) -> list[str]:
    return list(AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id)).order_by("id")
                .values_list("event_type", flat=True))


# --- issue ------------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("trusted")
def test_issue_to_two_units_and_two_agencies(kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,
                                             sealed_pdf: bytes, stamped_attachment: bytes) -> None:
    document = sealed_document(kit, sealed_pdf, attachment=stamped_attachment, priority=1)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.finance.pk, kit.office.pk),
                   agency_ids=(other_kit.agency.pk, third_kit.agency.pk), note="Đề nghị triển khai ngay")

    document.refresh_from_db()
    assert document.state == OutgoingState.ISSUED and document.issued_at is not None
    deliveries = list(OutgoingDelivery.objects.filter(document=document).order_by("kind", "id"))
    assert [(d.kind, d.unit_id or d.agency_id) for d in deliveries] == [
        (DeliveryKind.AGENCY, other_kit.agency.pk), (DeliveryKind.AGENCY, third_kit.agency.pk),
        (DeliveryKind.UNIT, kit.office.pk), (DeliveryKind.UNIT, kit.finance.pk),
    ]
    for recipient in (other_kit, third_kit):
        delivery = delivery_to(document, recipient)
        copy = delivery.incoming
        assert copy is not None and copy.agency == recipient.agency and copy.state == IncomingState.ARRIVED
        assert copy.channel == Channel.ELECTRONIC and copy.issuer == kit.agency
        assert delivery.status_code == "01" and [e.code for e in delivery.events.all()] == ["01"]
        files = list(copy.files.order_by("id"))
        assert [(f.role, f.filename) for f in files] == [
            (FileRole.MAIN, f"van-ban-{document.pk}.pdf"), (FileRole.ATTACHMENT, "phu-luc-01.pdf"),
            (FileRole.ATTACHMENT, SIGNATURE_REPORT_FILENAME)]
        assert blob_read(files[0].blob) == sealed_pdf
        assert blob_read(files[1].blob) == stamped_attachment


@pytest.mark.usefixtures("trusted")
def test_the_recipient_copy_is_pre_filled(kit: AgencyKit, other_kit: AgencyKit, sealed_pdf: bytes) -> None:
    document = sealed_document(kit, sealed_pdf, priority=2, signing_capacity="KT.", signer_title="Phó Giám đốc",
                               summary="Tóm tắt nội dung")
    copy = issue_to(kit, document, other_kit)[other_kit.agency.pk]
    document.refresh_from_db()
    assert (copy.code_number, copy.code_notation, copy.issued_date) == (
        document.code_number, document.code_notation, document.issued_date)
    assert copy.document_type_id == document.document_type_id and copy.subject == document.subject
    assert copy.organ_name == kit.agency.name and copy.organ_id == kit.agency.organ_id
    assert copy.signer_full_name == kit.leader.user.full_name and copy.signer_position == "KT. Phó Giám đốc"
    assert copy.priority == 2 and copy.to_places == document.to_places and copy.description == "Tóm tắt nội dung"
    assert copy.page_amount == 2
    assert document.issued_date is not None
    assert copy.document_id == f"{kit.agency.organ_id},{document.issued_date:%Y/%m/%d},{document.reference}"


@pytest.mark.usefixtures("trusted")
def test_the_signature_report_says_both_signatures_are_valid(kit: AgencyKit, other_kit: AgencyKit,
                                                              sealed_pdf: bytes) -> None:
    copy = issue_to(kit, sealed_document(kit, sealed_pdf), other_kit)[other_kit.agency.pk]
    report = copy.files.get(filename=SIGNATURE_REPORT_FILENAME)
    assert report.content_type == PDF
    text = " ".join(text_extract(content=blob_read(report.blob), content_type=PDF).split())
    assert "BÁO CÁO KIỂM TRA CHỮ KÝ SỐ" in text
    assert "Kết quả: HỢP LỆ" in text and "Số chữ ký: 2" in text


@pytest.mark.usefixtures("trusted")
def test_recipients_default_to_those_chosen_while_drafting(kit: AgencyKit, other_kit: AgencyKit,
                                                           sealed_pdf: bytes) -> None:
    document = sealed_document(kit, sealed_pdf, recipients=(other_kit.agency.pk,))
    outgoing_issue(actor=kit.clerk, document_id=document.pk)
    assert delivery_to(document, other_kit).incoming is not None


def test_unit_members_see_the_issued_document_and_are_notified(kit: AgencyKit, sealed_pdf: bytes) -> None:
    legal = unit_create(actor=None, agency=kit.agency, name="Phòng Pháp chế", abbreviation="PC")
    jurist = user_create(actor=None, username=f"phapche{kit.agency.pk}", full_name="Chuyên viên Pháp chế",
                         password="Mat-khau-dai-123")
    membership_create(actor=None, user=jurist, agency=kit.agency, roles=["SPECIALIST"], unit=legal)
    document = sealed_document(kit, sealed_pdf)
    with pytest.raises(NotFoundError):
        outgoing_get_for_user(actor=kit.specialist2, document_id=document.pk)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.office.pk,), agency_ids=())
    assert outgoing_get_for_user(actor=kit.specialist2, document_id=document.pk) == document
    assert document in outgoing_list_for_user(actor=kit.admin)
    assert set(Notification.objects.filter(dedup_key=f"outgoing:{document.pk}:unit:{kit.office.pk}")
               .values_list("user_id", flat=True)) == {kit.office_head.user.pk, kit.specialist2.user.pk,
                                                        kit.admin.user.pk}  # not the clerk who issued it
    with pytest.raises(NotFoundError):  # the legal unit got nothing
        outgoing_get_for_user(actor=actor_for(jurist), document_id=document.pk)


def test_a_unit_of_another_agency_or_the_own_agency_is_refused(kit: AgencyKit, other_kit: AgencyKit,
                                                               sealed_pdf: bytes) -> None:
    document = sealed_document(kit, sealed_pdf)
    for kwargs in ({"unit_ids": (other_kit.finance.pk,)}, {"agency_ids": (kit.agency.pk,)}):
        with pytest.raises(ApplicationError) as exc:
            outgoing_issue(actor=kit.clerk, document_id=document.pk, **kwargs)  # type: ignore[arg-type]
        assert exc.value.code == "invalid_recipient"
    with pytest.raises(ApplicationError) as exc:
        outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=())
    assert exc.value.code == "no_recipients"
    document.refresh_from_db()
    assert document.state == OutgoingState.SEALED


# --- secret documents, paper, signatures --------------------------------------------------------------------------

def _secret_numbered(kit: AgencyKit) -> OutgoingDocument:
    for actor in (kit.specialist, kit.leader, kit.clerk, kit.finance_head, kit.office_head):
        actor.user.can_handle_secret = True
        actor.user.save(update_fields=["can_handle_secret"])
    document = signed(kit, confidentiality=1)
    return outgoing_number(actor=kit.clerk, document_id=document.pk)


def test_a_secret_document_is_never_sent_to_an_agency(kit: AgencyKit, other_kit: AgencyKit) -> None:
    document = _secret_numbered(kit)
    copies_before = IncomingDocument.objects.count()
    for kwargs in ({"agency_ids": (other_kit.agency.pk,)}, {"unit_ids": (kit.finance.pk,), "agency_ids": (
            other_kit.agency.pk,)}, {"external": (ExternalRecipient("000.00.00.G22", "Văn phòng Chính phủ"),)}):
        with pytest.raises(ApplicationError) as exc:
            outgoing_issue(actor=kit.clerk, document_id=document.pk, **kwargs)
        assert exc.value.code == "secret_not_sent"
        assert str(exc.value.message) == "Văn bản mật không được gửi qua mạng"
    document.refresh_from_db()
    assert document.state == OutgoingState.NUMBERED and document.issued_at is None
    assert not OutgoingDelivery.objects.filter(document=document).exists()
    assert IncomingDocument.objects.count() == copies_before


def test_a_secret_document_is_issued_on_paper_to_units(kit: AgencyKit) -> None:
    document = _secret_numbered(kit)
    assert document.channel == Channel.PAPER
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.finance.pk,), agency_ids=())
    document.refresh_from_db()
    assert document.state == OutgoingState.ISSUED
    [delivery] = OutgoingDelivery.objects.filter(document=document)
    assert delivery.kind == DeliveryKind.UNIT and delivery.sent_at is None and delivery.status_code == ""
    # Unit members without secret clearance neither see it nor hear about it.
    with pytest.raises(NotFoundError):
        outgoing_get_for_user(actor=kit.specialist2, document_id=document.pk)
    assert outgoing_get_for_user(actor=kit.finance_head, document_id=document.pk) == document


def test_a_paper_document_is_issued_from_numbered_without_electronic_copies(kit: AgencyKit,
                                                                            other_kit: AgencyKit) -> None:
    document = signed(kit, channel=Channel.PAPER)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.finance.pk,),
                   agency_ids=(other_kit.agency.pk,))
    document.refresh_from_db()
    assert document.state == OutgoingState.ISSUED
    paper = delivery_to(document, other_kit)
    assert paper.incoming is None and paper.sent_at is None and paper.status_code == ""
    assert not IncomingDocument.objects.filter(agency=other_kit.agency).exists()


def test_an_electronic_document_must_be_sealed_first(kit: AgencyKit, other_kit: AgencyKit) -> None:
    document = signed(kit)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    with pytest.raises(ConflictError) as exc:
        outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=(other_kit.agency.pk,))
    assert exc.value.code == "not_sealed"


def test_an_electronic_document_needs_both_valid_signatures(kit: AgencyKit, other_kit: AgencyKit,
                                                            sealed_pdf: bytes) -> None:
    document = signed(kit)
    outgoing_number(actor=kit.clerk, document_id=document.pk)
    outgoing_mark_sealed(actor=kit.clerk, document_id=document.pk, sealed_pdf=sealed_pdf, valid_signature=False)
    with pytest.raises(ApplicationError) as exc:
        outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.finance.pk,), agency_ids=())
    assert exc.value.code == "signatures_missing"


@pytest.mark.usefixtures("trusted")
def test_an_attachment_without_the_agency_stamp_blocks_the_issue(kit: AgencyKit, other_kit: AgencyKit,
                                                                  sealed_pdf: bytes) -> None:
    document = sealed_document(kit, sealed_pdf)
    OutgoingAttachment.objects.create(document=document, filename="phu-luc.pdf", created_by=kit.specialist.user,
                                      original=blob_store(content=pdf_bytes("Phu luc"), content_type=PDF))
    with pytest.raises(ApplicationError) as exc:
        outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=(other_kit.agency.pk,))
    assert exc.value.code == "attachment_not_sealed"


# --- idempotency, atomicity, permissions --------------------------------------------------------------------------

@pytest.mark.usefixtures("trusted")
def test_issuing_twice_is_a_conflict_and_makes_no_second_copy(kit: AgencyKit, other_kit: AgencyKit,
                                                              sealed_pdf: bytes) -> None:
    document = sealed_document(kit, sealed_pdf)
    issue_to(kit, document, other_kit)
    with pytest.raises(ConflictError) as exc:
        issue_to(kit, document, other_kit)
    assert exc.value.code == "invalid_state"
    assert IncomingDocument.objects.filter(agency=other_kit.agency).count() == 1
    assert OutgoingDelivery.objects.filter(document=document).count() == 2


@pytest.mark.usefixtures("trusted")
def test_a_failing_recipient_leaves_nothing_half_done(kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,
                                                      sealed_pdf: bytes) -> None:
    """Two agencies of the deployment, then one reached only through the exchange hub (not connected yet)."""
    document = sealed_document(kit, sealed_pdf)
    with pytest.raises(ApplicationError) as exc:
        outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.finance.pk,),
                       agency_ids=(other_kit.agency.pk, third_kit.agency.pk),
                       external=(ExternalRecipient("000.00.00.G22", "Văn phòng Chính phủ"),))
    assert exc.value.code == "exchange_not_connected"
    document.refresh_from_db()
    assert document.state == OutgoingState.SEALED and document.issued_at is None
    assert not OutgoingDelivery.objects.filter(document=document).exists()
    assert not IncomingDocument.objects.filter(agency__in=[other_kit.agency, third_kit.agency]).exists()
    assert "outgoing.issue" not in audit_types("documents.outgoingdocument", document.pk)
    assert not Notification.objects.filter(dedup_key__startswith=f"outgoing:{document.pk}:").exists()


def test_a_press_office_gets_its_copy_in_the_guest_inbox(kit: AgencyKit, sealed_pdf: bytes) -> None:
    """Press offices are agencies of this deployment with guest accounts (docs/domain/multi-agency.md), not exchange
    partners."""
    press = agency_create(actor=None, name="Báo Thử nghiệm", abbreviation="BTN", kind=AgencyKind.PRESS,
                          organ_id="BTN.001")
    document = sealed_document(kit, sealed_pdf)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=(press.pk,))
    delivery = OutgoingDelivery.objects.get(document=document)
    assert delivery.kind == DeliveryKind.AGENCY and delivery.agency == press and delivery.status_code == "01"
    copy = IncomingDocument.objects.get(agency=press)
    assert copy.state == IncomingState.ARRIVED and delivery.incoming == copy


def test_only_the_agency_clerk_issues(kit: AgencyKit, other_kit: AgencyKit, sealed_pdf: bytes) -> None:
    document = sealed_document(kit, sealed_pdf)
    for actor in (kit.specialist, kit.leader, kit.finance_head):  # drafter, signer, reviewer: visible, not theirs
        with pytest.raises(PermissionDeniedError):
            outgoing_issue(actor=actor, document_id=document.pk, unit_ids=(kit.finance.pk,), agency_ids=())
    for actor in (other_kit.clerk, kit.specialist2):
        with pytest.raises(NotFoundError):
            outgoing_issue(actor=actor, document_id=document.pk, unit_ids=(kit.finance.pk,), agency_ids=())
    document.refresh_from_db()
    assert document.state == OutgoingState.SEALED


def test_the_issue_is_audited_with_its_recipients(kit: AgencyKit, sealed_pdf: bytes) -> None:
    document = sealed_document(kit, sealed_pdf)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=(kit.finance.pk,), agency_ids=(),
                   note="Phát hành nội bộ")
    event = AuditEvent.objects.get(target_type="documents.outgoingdocument", target_id=str(document.pk),
                                   event_type="outgoing.issue")
    assert event.actor == kit.clerk.user
    assert event.data["from"] == OutgoingState.SEALED and event.data["to"] == OutgoingState.ISSUED
    assert event.data["units"] == [kit.finance.name] and event.data["note"] == "Phát hành nội bộ"
    document.refresh_from_db()
    assert document.issued_date is not None
    assert event.data["document_id"] == f"{kit.agency.organ_id},{document.issued_date:%Y/%m/%d},{document.reference}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("trusted")
def test_two_clerks_issuing_at_once_make_one_copy(sealed_pdf: bytes) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are a PostgreSQL property; SQLite serialises writers")
    kit, recipient = make_agency_kit(), make_agency_kit()
    document = sealed_document(kit, sealed_pdf)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue() -> None:
        try:
            barrier.wait(timeout=30)
            outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=(recipient.agency.pk,))
            outcomes.append("issued")
        except ConflictError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["invalid_state", "issued"]
    assert IncomingDocument.objects.filter(agency=recipient.agency).count() == 1
    assert OutgoingDelivery.objects.filter(document=document).count() == 1

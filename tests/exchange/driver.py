"""A test driver inside one deployment: ``python -m tests.exchange.driver`` with that deployment's environment.

It reads one JSON command per line on stdin (``{"op": ..., "args": {...}}``) and answers one JSON line
(``{"ok": true, "result": ...}`` or ``{"ok": false, "error": ...}``). The commands call Vanthu's services, as
the web screens would, so the exchange tests can act in a deployment that runs as its own processes.
The fault commands end the process on purpose at a chosen point of the receive loop (``os._exit``).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
django.setup()

from tests.builders import AgencyKit, make_agency_kit  # noqa: E402
from tests.outgoing.signing_kit import SigningSetup, signing_setup  # noqa: E402
from vanthu.api.services import api_token_create  # noqa: E402
from vanthu.core.errors import ApplicationError  # noqa: E402
from vanthu.documents.models import IncomingDocument  # noqa: E402
from vanthu.documents.outgoing.distribution import ExternalRecipient, outgoing_issue  # noqa: E402
from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument  # noqa: E402
from vanthu.documents.outgoing.recall import outgoing_recall  # noqa: E402
from vanthu.documents.recall import incoming_recall_agree, incoming_recall_refuse  # noqa: E402
from vanthu.exchange import applying, receiving  # noqa: E402
from vanthu.exchange.models import ExchangePackage  # noqa: E402
from vanthu.organizations.actor import Actor, actor_for  # noqa: E402
from vanthu.organizations.models import Agency, User  # noqa: E402


class FilePki:
    """What ``signing_setup`` needs of the test PKI, read from files the test wrote (the PKI runs in pytest)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.tsa_url = spec["tsa_url"]
        self.root_pem = Path(spec["root_pem_path"]).read_bytes()
        self._p12 = spec["p12"]

    def identity(self, label: str) -> Any:
        path = Path(self._p12[label])

        class Identity:
            def pkcs12(self, _passphrase: bytes) -> bytes:
                return path.read_bytes()

        return Identity()


STATE: dict[str, Any] = {}


def _kit() -> AgencyKit:
    """The kit made by ``setup``; a restarted driver finds it again from the database (``make_agency_kit``
    names the users ``u<n>_<role>``)."""
    if "kit" not in STATE:
        agency = Agency.objects.get(hub_enabled=True)
        n = int(agency.abbreviation.removeprefix("STN"))

        def actor(name: str) -> Actor:
            return actor_for(User.objects.get(username=f"u{n}_{name}"))

        STATE["kit"] = AgencyKit(
            agency=agency, office=agency.units.get(abbreviation="VP"), finance=agency.units.get(abbreviation="KHTC"),
            clerk=actor("vanthu"), leader=actor("giamdoc"), deputy=actor("phogiamdoc"),
            office_head=actor("chanhvanphong"), finance_head=actor("truongphong"), specialist=actor("chuyenvien"),
            specialist2=actor("chuyenvien2"), admin=actor("quantri"))
    kit: AgencyKit = STATE["kit"]
    return kit


def setup(*, code_suffix: int, pki: dict[str, Any]) -> dict[str, Any]:
    kit = make_agency_kit(code_suffix)
    Agency.objects.filter(pk=kit.agency.pk).update(hub_enabled=True)
    STATE["kit"] = kit
    STATE["signing"] = signing_setup(kit, FilePki(pki))  # type: ignore[arg-type]
    tokens = {}
    for role in ("clerk", "leader", "specialist"):
        _token, plain = api_token_create(actor=getattr(kit, role), name=f"e2e-{role}", expires_in_days=1)
        tokens[role] = plain
    return {"organ_id": kit.agency.organ_id, "name": kit.agency.name, "agency_id": kit.agency.pk,
            "tokens": tokens, "specialist_id": kit.specialist.user.pk}


def issue(*, to: list[list[str]], subject: str = "") -> dict[str, Any]:
    signing: SigningSetup = STATE["signing"]
    overrides = {"subject": subject} if subject else {}
    document = signing.sealed(**overrides)
    issued = outgoing_issue(actor=_kit().clerk, document_id=document.pk, agency_ids=(),
                            external=[ExternalRecipient(code, name) for code, name in to])
    return {"id": issued.pk, "reference": issued.reference, "subject": issued.subject}


def prepare_sealed(*, count: int) -> list[int]:
    """Documents sealed and ready to issue (the benchmark issues them one by one, timed)."""
    signing: SigningSetup = STATE["signing"]
    return [signing.sealed(subject=f"Về việc đo thời gian liên thông, văn bản {i + 1}").pk for i in range(count)]


def issue_prepared(*, document_id: int, to: list[list[str]]) -> str:
    issued = outgoing_issue(actor=_kit().clerk, document_id=document_id, agency_ids=(),
                            external=[ExternalRecipient(code, name) for code, name in to])
    return issued.state


def issued(**_: Any) -> list[dict[str, Any]]:
    rows = OutgoingDocument.objects.filter(agency=_kit().agency, issued_at__isnull=False)
    return [{"subject": d.subject, "issued_at": d.issued_at.timestamp()} for d in rows if d.issued_at]


def arrivals(**_: Any) -> list[dict[str, Any]]:
    rows = IncomingDocument.objects.filter(agency=_kit().agency).order_by("id")
    return [{"subject": d.subject, "arrived_at": d.arrived_at.timestamp()} for d in rows]


def deliveries(*, document_id: int) -> list[dict[str, Any]]:
    rows = OutgoingDelivery.objects.filter(document_id=document_id).order_by("id")
    return [{"organ_id": d.external_organ_id, "status_code": d.status_code, "transport": d.transport_state,
             "recall_state": d.recall_state, "description": d.status_description,
             "events": list(d.events.order_by("reported_at", "id").values_list("code", flat=True))} for d in rows]


def incoming(**_: Any) -> list[dict[str, Any]]:
    rows = IncomingDocument.objects.filter(agency=_kit().agency).order_by("id")
    return [{"id": d.pk, "state": d.state, "document_id": d.document_id, "subject": d.subject,
             "reference": d.reference, "organ_id": d.organ_id, "note": d.note,
             "files": sorted(d.files.values_list("filename", flat=True))} for d in rows]


def recall(*, document_id: int, reason: str) -> str:
    return outgoing_recall(actor=_kit().clerk, document_id=document_id, reason=reason).state


def recall_agree(*, incoming_id: int) -> str:
    return incoming_recall_agree(actor=_kit().clerk, document_id=incoming_id).state


def recall_refuse(*, incoming_id: int, reason: str) -> str:
    return incoming_recall_refuse(actor=_kit().clerk, document_id=incoming_id, reason=reason).state


def packages(**_: Any) -> list[dict[str, Any]]:
    return list(ExchangePackage.objects.order_by("id").values(
        "id", "direction", "message_type", "state", "status_code", "business_doc_type", "hub_doc_id", "attempts",
        "error_code"))


def receive_crash(*, when: str) -> None:
    """Run the receive loop and end this process abruptly: inside the transaction (``before_commit``, so nothing
    of it is committed) or after the commit and before the hub is acknowledged (``after_commit``)."""
    if when == "before_commit":
        real = applying.package_apply

        def crash(**kwargs: Any) -> str:
            real(**kwargs)
            os._exit(3)

        receiving.package_apply = crash  # type: ignore[assignment]
    else:
        from vanthu.hubapi.client import HubClient

        def crash_ack(self: HubClient, doc_id: str, status: str) -> None:
            os._exit(3)

        HubClient.ack = crash_ack  # type: ignore[method-assign]
    receiving.exchange_poll()


def poll(**_: Any) -> dict[str, int]:
    result = receiving.exchange_poll()
    return {"received": result.received, "duplicates": result.duplicates, "quarantined": result.quarantined,
            "ignored": result.ignored}


OPS = {f.__name__: f for f in (setup, issue, deliveries, incoming, recall, recall_agree, recall_refuse, packages,
                               receive_crash, poll, prepare_sealed, issue_prepared, issued, arrivals)}


def main() -> None:
    for line in sys.stdin:
        command = json.loads(line)
        try:
            result = OPS[command["op"]](**command.get("args", {}))
            answer: dict[str, Any] = {"ok": True, "result": result}
        except ApplicationError as exc:
            answer = {"ok": False, "error": f"{exc.code}: {exc.message}"}
        except Exception:
            answer = {"ok": False, "error": traceback.format_exc()}
        sys.stdout.write(json.dumps(answer, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

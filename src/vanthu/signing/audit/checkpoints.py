"""Signed, timestamped checkpoints of the audit chains, kept outside the database.

The hash chains only prove that rows agree with each other: whoever can UPDATE the table can rewrite a row and
recompute every hash after it. A checkpoint pins each chain's head (last event id, count, last hash) at a moment,
signed with the deployment's key and timestamped by an RFC 3161 TSA, somewhere the database cannot reach; from then
on any change to a row at or before it — a recomputed chain included — no longer matches.

Storage (ADR 0004): a pair of files per checkpoint in ``VANTHU_AUDIT_CHECKPOINT_DIR`` (``var/audit-checkpoints``):

- ``00000042.json`` — canonical JSON (sorted keys, UTF-8, no spaces): ``format``, ``number``, ``previous`` (SHA-256
  of checkpoint 41's JSON: a removed or replaced checkpoint breaks the sequence), ``made_at``, ``site``, ``heads``
  (the heads that moved since checkpoint 41: ``chain``, ``last_id``, ``count``, ``last_hash``), and the totals of
  the whole log, ``chains`` and ``events``. Only moved heads are written, so the hourly checkpoint of a province of
  650 agencies stays small; verification replays the sequence.
- ``00000042.p7s`` — a detached CMS (PKCS#7) SignedData over exactly those bytes (pyHanko), with the TSA's token as
  the signature-time-stamp unsigned attribute (CAdES-T) and the TSA's certification path added to its certificate
  set, so it verifies offline, years later, after the TSA's certificate expired. Checkable without Vanthu:
  ``openssl cms -verify -binary -inform DER -in 00000042.p7s -content 00000042.json -CAfile signer.pem -purpose any``.

Files are created with ``O_EXCL`` and never rewritten or deleted by the application: the folder can be made
append-only (``chattr +a``) or mirrored to write-once storage, and ``vanthu audit export-checkpoints DIR`` copies it
(with the signer's certificate) for safekeeping elsewhere."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from vanthu.core.audit import HeadState
from vanthu.core.errors import ApplicationError
from vanthu.core.models import AuditChainHead
from vanthu.signing.audit.signer import CheckpointSigner, checkpoint_signer
from vanthu.signing.audit.store import (
    FORMAT,
    CheckpointFiles,
    canonical_json,
    checkpoint_dir,
    checkpoints_scan,
    head_json,
    payload_heads,
    stamped_at,
    timestamp_token,
    write_new,
)
from vanthu.signing.config import signing_timestamper, signing_trust_roots

MAKE_ATTEMPTS = 3


@dataclass(frozen=True)
class MadeCheckpoint:
    number: int
    path: Path
    made_at: dt.datetime
    chains: int
    events: int
    moved: int
    signer: str
    stamped_at: dt.datetime


def checkpoint_make(directory: Path | None = None) -> MadeCheckpoint | None:
    """Sign and store a checkpoint of every head that moved since the previous one; None when none moved (or the
    log is empty). Two makers racing for a number: the loser signs again with the next one."""

    # The TSA first: without one there is nothing to make, and no reason to generate a key.
    timestamper, roots = signing_timestamper(), signing_trust_roots()
    signer = checkpoint_signer()
    directory = directory or checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    for _attempt in range(MAKE_ATTEMPTS):
        files = checkpoints_scan(directory)
        state = _replay_unchecked(files)
        moved = [head for head in _current_heads() if state.get(head.chain) != head]
        if not moved:
            return None
        state.update({head.chain: head for head in moved})
        number = max(files, default=0) + 1
        made_at = timezone.now()
        payload = {
            "format": FORMAT, "number": number, "previous": _previous_digest(files.get(number - 1)),
            "made_at": made_at.isoformat(), "site": settings.VANTHU_SITE_URL,
            "heads": [head_json(head) for head in moved],
            "chains": len(state), "events": sum(head.count for head in state.values()),
        }
        data = canonical_json(payload)
        signature, stamped_at = _sign(data, signer, timestamper, roots)
        try:
            write_new(directory / f"{number:08d}.json", data)
        except FileExistsError:
            continue
        write_new(directory / f"{number:08d}.p7s", signature)
        return MadeCheckpoint(number=number, path=directory / f"{number:08d}.json", made_at=made_at,
                              chains=len(state), events=sum(head.count for head in state.values()), moved=len(moved),
                              signer=signer.certificate.subject.human_friendly, stamped_at=stamped_at)
    raise ApplicationError("audit.checkpoint_busy",
                           _("Không tạo được điểm kiểm tra nhật ký: tiến trình khác đang tạo cùng lúc; hãy thử lại."))


def _current_heads() -> list[HeadState]:
    """Every head in one statement, hence one consistent snapshot."""
    rows = (AuditChainHead.objects.filter(count__gt=0).exclude(last_event_id=None).order_by("chain")
            .values_list("chain", "last_event_id", "count", "last_hash"))
    return [HeadState(chain=chain, last_id=last_id, count=count, last_hash=last_hash)
            for chain, last_id, count, last_hash in rows if last_id is not None]


def _replay_unchecked(files: dict[int, CheckpointFiles]) -> dict[int, HeadState]:
    """The state the checkpoints so far describe, read without checking signatures (making only needs to know
    which heads moved; a damaged file at worst makes a head count as moved again)."""
    state: dict[int, HeadState] = {}
    for entry in files.values():
        try:
            payload = json.loads(entry.json.read_bytes()) if entry.json else None
            state.update({head.chain: head for head in payload_heads(payload)} if payload else {})
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return state


def _previous_digest(previous: CheckpointFiles | None) -> str:
    if previous is None or previous.json is None:
        return ""
    return hashlib.sha256(previous.json.read_bytes()).hexdigest()


def _sign(data: bytes, signer: CheckpointSigner, timestamper: TimeStamper,
          roots: list[asn1_x509.Certificate]) -> tuple[bytes, dt.datetime]:
    """Detached CMS over ``data`` with a signature timestamp; the TSA's path goes into the certificate set (an
    unsigned part of SignedData), checked now against our trust roots so an untrusted TSA fails here, not at
    verification."""

    async def run() -> tuple[bytes, dt.datetime]:
        content_info = await signer.signer.async_sign_general_data(data, "sha256", detached=True,
                                                                   timestamper=timestamper)
        stamped_at = await _embed_tsa_path(content_info["content"], roots)
        return content_info.dump(force=True), stamped_at

    try:
        return asyncio.run(run())
    except (TimestampRequestError, aiohttp.ClientError, TimeoutError) as exc:
        raise ApplicationError(
            "audit.tsa_unavailable",
            _("Không lấy được dấu thời gian cho điểm kiểm tra nhật ký từ TSA %(url)s: %(error)s")
            % {"url": getattr(timestamper, "url", "?"), "error": exc},
        ) from exc


async def _embed_tsa_path(signed_data: cms.SignedData, roots: list[asn1_x509.Certificate]) -> dt.datetime:
    token = timestamp_token(signed_data)
    if token is None:  # pragma: no cover - pyHanko adds it whenever a timestamper is given
        raise ApplicationError("audit.tsa_unavailable", _("TSA không trả về dấu thời gian."))
    tsa = extract_certificate_info(token)
    context = ValidationContext(trust_roots=roots, other_certs=tsa.other_certs, allow_fetching=True,
                                revocation_mode="soft-fail")
    try:
        validator = CertificateValidator(tsa.signer_cert, intermediate_certs=tsa.other_certs,
                                         validation_context=context)
        path = await validator.async_validate_usage(set(), {"time_stamping"})  # type: ignore[no-untyped-call]
    except (PathBuildingError, PathValidationError) as exc:
        raise ApplicationError(
            "audit.tsa_untrusted",
            _("Dịch vụ cấp dấu thời gian (TSA) không thuộc chứng thư gốc tin cậy của hệ thống (%(error)s); quản trị "
              "hệ thống cần nhập chứng thư gốc của TSA.") % {"error": exc},
        ) from exc
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]
    present = {cert.chosen.sha256 for cert in signed_data["certificates"] if cert.name == "certificate"}
    for cert in path.iter_certs(include_root=True):
        if cert.sha256 not in present:
            signed_data["certificates"].append(cms.CertificateChoices(name="certificate", value=cert))
    return stamped_at(token)







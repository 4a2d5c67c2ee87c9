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
(with the signer's certificate) for safekeeping elsewhere.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from pyhanko.sign.general import extract_certificate_info, extract_signer_info
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import StandardCMSSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from vanthu.core.audit import ChainProblem, CheckpointTarget, HeadState
from vanthu.core.errors import ApplicationError
from vanthu.core.models import AuditChainHead, AuditEvent
from vanthu.signing.audit.signer import CheckpointSigner, accepted_signer_certificates, checkpoint_signer
from vanthu.signing.config import signing_timestamper, signing_trust_roots

FORMAT = "vanthu.audit-checkpoint/1"
_NAME = re.compile(r"^(\d{8})\.(json|p7s)$")
TIMESTAMP_TOLERANCE = dt.timedelta(minutes=10)  # clocks of the server and the TSA, and the TSA's round trip
MAKE_ATTEMPTS = 3
# The exchange certificate of an organisation may carry only digitalSignature; the audit key has both.
SIGNER_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


def checkpoint_dir() -> Path:
    return Path(settings.VANTHU_AUDIT_CHECKPOINT_DIR)


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class CheckpointFiles:
    number: int
    json: Path | None
    p7s: Path | None


def _scan(directory: Path) -> dict[int, CheckpointFiles]:
    found: dict[int, dict[str, Path]] = {}
    if directory.is_dir():
        for path in directory.iterdir():
            match = _NAME.match(path.name)
            if match:
                found.setdefault(int(match[1]), {})[match[2]] = path
    return {number: CheckpointFiles(number, parts.get("json"), parts.get("p7s"))
            for number, parts in sorted(found.items())}


def _heads(payload: dict[str, Any]) -> list[HeadState]:
    return [HeadState(chain=int(h["chain"]), last_id=int(h["last_id"]), count=int(h["count"]),
                      last_hash=str(h["last_hash"])) for h in payload["heads"]]


def _head_json(head: HeadState) -> dict[str, Any]:
    return {"chain": head.chain, "last_id": head.last_id, "count": head.count, "last_hash": head.last_hash}


# --- making a checkpoint --------------------------------------------------------------------------------------

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
        files = _scan(directory)
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
            "heads": [_head_json(head) for head in moved],
            "chains": len(state), "events": sum(head.count for head in state.values()),
        }
        data = _canonical(payload)
        signature, stamped_at = _sign(data, signer, timestamper, roots)
        try:
            _write_new(directory / f"{number:08d}.json", data)
        except FileExistsError:
            continue
        _write_new(directory / f"{number:08d}.p7s", signature)
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
            state.update({head.chain: head for head in _heads(payload)} if payload else {})
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return state


def _previous_digest(previous: CheckpointFiles | None) -> str:
    if previous is None or previous.json is None:
        return ""
    return hashlib.sha256(previous.json.read_bytes()).hexdigest()


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (never replace it: ``O_EXCL``, which an append-only folder allows) and make it and its
    directory entry durable before returning."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


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


def _tst(signed_data: cms.SignedData) -> cms.SignedData | None:
    attrs = extract_signer_info(signed_data)["unsigned_attrs"]
    for attr in attrs if attrs.native is not None else []:
        if attr["type"].native == "signature_time_stamp_token":
            token: cms.SignedData = attr["values"][0]["content"]
            return token
    return None


def _stamped_at(token: cms.SignedData) -> dt.datetime:
    moment: dt.datetime = token["encap_content_info"]["content"].parsed["gen_time"].native
    return moment


async def _embed_tsa_path(signed_data: cms.SignedData, roots: list[asn1_x509.Certificate]) -> dt.datetime:
    token = _tst(signed_data)
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
    return _stamped_at(token)


# --- checking the checkpoints ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckpointSummary:
    directory: Path
    count: int = 0
    latest_number: int | None = None
    latest_made_at: str | None = None
    latest_events: int | None = None


@dataclass
class CheckedCheckpoints:
    """The checkpoints' own problems, and the newest signed state of each chain for the row walk to match."""

    summary: CheckpointSummary
    problems: list[ChainProblem] = field(default_factory=list)
    targets: dict[int, CheckpointTarget] = field(default_factory=dict)
    trusted: list[int] = field(default_factory=list)  # numbers whose signature and timestamp hold


@dataclass
class _Replay:
    state: dict[int, HeadState] = field(default_factory=dict)
    previous: tuple[int, bytes] | None = None  # number and JSON bytes of the last readable checkpoint
    expected: int = 1


def checkpoints_check(directory: Path | None = None) -> CheckedCheckpoints:
    """Read every checkpoint in order and check its sequence, signature, signer, timestamp and totals."""
    directory = directory or checkpoint_dir()
    files = _scan(directory)
    result = CheckedCheckpoints(summary=CheckpointSummary(directory=directory))
    if not files:
        return result

    signers, roots = accepted_signer_certificates(), signing_trust_roots()
    replay = _Replay()
    latest: dict[str, Any] | None = None

    async def run() -> None:
        nonlocal latest
        for entry in files.values():
            payload = await _check_one(entry, replay, result, signers, roots)
            latest = payload or latest

    asyncio.run(run())
    result.summary = CheckpointSummary(
        directory=directory, count=len(files), latest_number=latest["number"] if latest else None,
        latest_made_at=_local(latest["made_at"]) if latest else None,
        latest_events=latest["events"] if latest else None)
    return result


async def _check_one(entry: CheckpointFiles, replay: _Replay, result: CheckedCheckpoints,
                     signers: list[asn1_x509.Certificate], roots: list[asn1_x509.Certificate]) -> dict[str, Any] | None:
    problems = result.problems
    number = entry.number
    problems += [_problem(None, "checkpoint_missing", _(
        "Thiếu điểm kiểm tra số %(number)s: tệp đã bị xóa hoặc đổi tên.") % {"number": missing})
        for missing in range(replay.expected, number)]
    replay.expected = number + 1
    if entry.json is None:
        problems.append(_problem(None, "checkpoint_missing", _(
            "Điểm kiểm tra số %(number)s chỉ còn tệp chữ ký, thiếu tệp nội dung.") % {"number": number}))
        return None
    data = entry.json.read_bytes()
    try:
        payload = json.loads(data)
        heads = _heads(payload)
        if payload.get("format") != FORMAT or payload.get("number") != number:
            raise ValueError(_("không đúng định dạng hoặc số thứ tự"))
    except (ValueError, KeyError, TypeError) as exc:
        problems.append(_problem(None, "checkpoint_unreadable", _(
            "Không đọc được điểm kiểm tra %(file)s: %(error)s") % {"file": entry.json.name, "error": exc}))
        return None
    problems += _link_problems(number, payload, replay)
    replay.previous = (number, data)
    replay.state.update({head.chain: head for head in heads})
    problems += _total_problems(number, payload, replay.state)
    signature = await _signature_problems(number, data, entry.p7s, payload, signers, roots)
    problems += signature
    if not signature:
        result.trusted.append(number)
        made_at = _local(payload["made_at"])
        result.targets.update({head.chain: CheckpointTarget(state=head, number=number, made_at=made_at)
                               for head in heads})
    return dict(payload)


def _problem(event_id: int | None, kind: str, text: str) -> ChainProblem:
    return ChainProblem(event_id, text, kind)


def _local(iso: str) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(iso)).strftime("%d/%m/%Y %H:%M:%S")


def _link_problems(number: int, payload: dict[str, Any], replay: _Replay) -> list[ChainProblem]:
    if replay.previous is None or replay.previous[0] != number - 1:
        expected = "" if number == 1 else None  # after a gap there is nothing to compare with
    else:
        expected = hashlib.sha256(replay.previous[1]).hexdigest()
    if expected is None or payload.get("previous") == expected:
        return []
    return [_problem(None, "checkpoint_link", _(
        "Điểm kiểm tra số %(number)s không nối với điểm kiểm tra số %(previous)s: một trong hai tệp đã bị thay.")
        % {"number": number, "previous": number - 1})]


def _total_problems(number: int, payload: dict[str, Any], state: dict[int, HeadState]) -> list[ChainProblem]:
    events = sum(head.count for head in state.values())
    if payload.get("chains") == len(state) and payload.get("events") == events:
        return []
    return [_problem(None, "checkpoint_totals", _(
        "Điểm kiểm tra số %(number)s ghi %(events)s sự kiện trong %(chains)s chuỗi, nhưng cộng dồn các điểm kiểm "
        "tra đến nó được %(sum_events)s sự kiện trong %(sum_chains)s chuỗi.") % {
        "number": number, "events": payload.get("events"), "chains": payload.get("chains"),
        "sum_events": events, "sum_chains": len(state)})]


async def _signature_problems(number: int, data: bytes, p7s: Path | None, payload: dict[str, Any],
                              signers: list[asn1_x509.Certificate],
                              roots: list[asn1_x509.Certificate]) -> list[ChainProblem]:
    """The CMS signature over the JSON bytes by an accepted signer, and a trusted TSA token whose time agrees
    with the checkpoint's."""
    values: dict[str, Any] = {"number": number}
    if p7s is None:
        return [_problem(None, "checkpoint_signature", _(
            "Điểm kiểm tra số %(number)s không có tệp chữ ký.") % values)]
    try:
        status = await _validate(data, p7s.read_bytes(), signers, roots)
    except (ValueError, TypeError, KeyError) as exc:  # pyHanko's validation errors are ValueErrors too
        values["error"] = exc
        return [_problem(None, "checkpoint_signature", _(
            "Điểm kiểm tra số %(number)s: tệp chữ ký hỏng (%(error)s).") % values)]
    return _judge(status, payload, values)


async def _validate(data: bytes, signature: bytes, signers: list[asn1_x509.Certificate],
                    roots: list[asn1_x509.Certificate]) -> StandardCMSSignatureStatus:
    """Offline, at the token's time: the signer against the accepted certificates as anchors, the TSA against
    our roots with the path the checkpoint carries."""
    signed_data: cms.SignedData = cms.ContentInfo.load(signature)["content"]
    token = _tst(signed_data)
    moment = _stamped_at(token) if token is not None else timezone.now()
    certs = extract_certificate_info(signed_data)
    signer_context = ValidationContext(trust_roots=signers, moment=moment, revocation_mode="soft-fail")
    tsa_context = ValidationContext(trust_roots=roots, other_certs=certs.other_certs, moment=moment,
                                    revocation_mode="soft-fail")
    return await async_validate_detached_cms(data, signed_data, signer_validation_context=signer_context,
                                             ts_validation_context=tsa_context, key_usage_settings=SIGNER_USAGE)


def _judge(status: StandardCMSSignatureStatus, payload: dict[str, Any], values: dict[str, Any]) -> list[ChainProblem]:
    if not (status.intact and status.valid):
        return [_problem(None, "checkpoint_signature", _(
            "Điểm kiểm tra số %(number)s: chữ ký số không khớp với nội dung — tệp đã bị sửa hoặc giả mạo.")
            % values)]
    if not status.trusted:
        values["subject"] = status.signing_cert.subject.human_friendly
        return [_problem(None, "checkpoint_signer", _(
            "Điểm kiểm tra số %(number)s được ký bằng chứng thư số không phải của hệ thống (%(subject)s).")
            % values)]
    stamp = status.timestamp_validity
    if stamp is None or not (stamp.intact and stamp.valid and stamp.trusted):
        return [_problem(None, "checkpoint_timestamp", _(
            "Điểm kiểm tra số %(number)s không có dấu thời gian hợp lệ của dịch vụ cấp dấu thời gian (TSA).")
            % values)]
    claimed = dt.datetime.fromisoformat(payload["made_at"])
    if abs(stamp.timestamp - claimed) > TIMESTAMP_TOLERANCE:
        values.update(claimed=_local(payload["made_at"]), stamped=_local(stamp.timestamp.isoformat()))
        return [_problem(None, "checkpoint_timestamp", _(
            "Điểm kiểm tra số %(number)s ghi thời điểm %(claimed)s nhưng dấu thời gian của TSA là %(stamped)s.")
            % values)]
    return []


# --- where a rewritten chain was changed ----------------------------------------------------------------------

def rewritten_ranges(chains: set[int], checked: CheckedCheckpoints,
                     label: Callable[[int], str]) -> list[ChainProblem]:
    """For each chain that no longer matches its newest checkpoint, the stretch that was rewritten: after the last
    event that still matches an earlier checkpoint, up to the first event that does not."""
    if not chains:
        return []
    history = _signed_history(chains, checked)
    return [problem for chain in sorted(chains) for problem in _range(chain, history.get(chain, []), label)]


def _signed_history(chains: set[int], checked: CheckedCheckpoints) -> dict[int, list[CheckpointTarget]]:
    files = _scan(checked.summary.directory)
    history: dict[int, list[CheckpointTarget]] = {}
    for number in checked.trusted:
        entry = files[number]
        assert entry.json is not None  # a trusted checkpoint was read from it
        payload = json.loads(entry.json.read_bytes())
        for head in _heads(payload):
            if head.chain in chains:
                history.setdefault(head.chain, []).append(
                    CheckpointTarget(state=head, number=number, made_at=_local(payload["made_at"])))
    return history


def _range(chain: int, targets: list[CheckpointTarget], label: Callable[[int], str]) -> Iterator[ChainProblem]:
    matched = _matching(chain, targets)
    good = None
    for target, ok in zip(targets, matched, strict=True):
        if not ok:
            values = {"chain": label(chain), "id": target.state.last_id, "bad": target.number,
                      "after": good.state.last_id if good else None, "good": good.number if good else None}
            if good is None:
                text = _("%(chain)s: các sự kiện từ đầu chuỗi đến #%(id)s (không khớp điểm kiểm tra số %(bad)s) đã "
                         "bị sửa, xóa hoặc tính lại mã băm.") % values
            else:
                text = _("%(chain)s: các sự kiện sau #%(after)s (còn khớp điểm kiểm tra số %(good)s) đến #%(id)s "
                         "(không khớp điểm kiểm tra số %(bad)s) đã bị sửa, xóa hoặc tính lại mã băm.") % values
            yield _problem(target.state.last_id, "checkpoint_rewritten", capfirst(text))
            return
        good = target


def _matching(chain: int, targets: list[CheckpointTarget]) -> list[bool]:
    """Whether the rows of ``chain`` still hold each signed head (count and hash at its last event)."""
    wanted = {target.state.last_id: target.state for target in targets}
    seen: dict[int, tuple[int, str]] = {}
    last = max(wanted, default=0)
    rows = (AuditEvent.objects.filter(chain=chain, id__lte=last).order_by("id")
            .values_list("id", "hash").iterator(chunk_size=5000))
    for count, (event_id, event_hash) in enumerate(rows, start=1):
        if event_id in wanted:
            seen[event_id] = (count, event_hash)
    return [seen.get(t.state.last_id) == (t.state.count, t.state.last_hash) for t in targets]


# --- export ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    copied: int
    present: int


def checkpoints_export(target: Path, directory: Path | None = None) -> Exported:
    """Copy every checkpoint not yet in ``target``, plus the accepted signer certificates (``signer-….pem``);
    a file already there with different content is an error: an export is never overwritten either."""
    directory = directory or checkpoint_dir()
    target.mkdir(parents=True, exist_ok=True)
    sources = [path for entry in _scan(directory).values() for path in (entry.json, entry.p7s) if path is not None]
    copied = present = 0
    for source in sources:
        destination = target / source.name
        if destination.exists():
            if destination.read_bytes() != source.read_bytes():
                raise ApplicationError("audit.export_conflict", _(
                    "Tệp %(file)s đã có trong %(dir)s với nội dung khác: không ghi đè.")
                    % {"file": source.name, "dir": target})
            present += 1
            continue
        shutil.copy2(source, destination)
        copied += 1
    for cert in accepted_signer_certificates():
        pem = target / f"signer-{cert.sha256.hex()[:16]}.pem"
        if not pem.exists():
            from asn1crypto import pem as asn1_pem

            pem.write_bytes(asn1_pem.armor("CERTIFICATE", cert.dump()))
    return Exported(copied=copied, present=present)

"""Checking the stored audit checkpoints: signature, timestamp and sequence, and which stretch of a chain was
rewritten when a chain no longer matches its checkpoint."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import StandardCMSSignatureStatus
from pyhanko_certvalidator import ValidationContext

from vanthu.core.audit import ChainProblem, CheckpointTarget, HeadState
from vanthu.core.models import AuditEvent
from vanthu.signing.audit.signer import accepted_signer_certificates
from vanthu.signing.audit.store import (
    FORMAT,
    CheckpointFiles,
    checkpoint_dir,
    checkpoints_scan,
    payload_heads,
    stamped_at,
    timestamp_token,
)
from vanthu.signing.config import signing_trust_roots

TIMESTAMP_TOLERANCE = dt.timedelta(minutes=10)  # clocks of the server and the TSA, and the TSA's round trip


# The exchange certificate of an organisation may carry only digitalSignature; the audit key has both.
SIGNER_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


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
    files = checkpoints_scan(directory)
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


def rewritten_ranges(chains: set[int], checked: CheckedCheckpoints,
                     label: Callable[[int], str]) -> list[ChainProblem]:
    """For each chain that no longer matches its newest checkpoint, the stretch that was rewritten: after the last
    event that still matches an earlier checkpoint, up to the first event that does not."""
    if not chains:
        return []
    history = _signed_history(chains, checked)
    return [problem for chain in sorted(chains) for problem in _range(chain, history.get(chain, []), label)]


def _signed_history(chains: set[int], checked: CheckedCheckpoints) -> dict[int, list[CheckpointTarget]]:
    files = checkpoints_scan(checked.summary.directory)
    history: dict[int, list[CheckpointTarget]] = {}
    for number in checked.trusted:
        entry = files[number]
        assert entry.json is not None  # a trusted checkpoint was read from it
        payload = json.loads(entry.json.read_bytes())
        for head in payload_heads(payload):
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
        heads = payload_heads(payload)
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
    token = timestamp_token(signed_data)
    moment = stamped_at(token) if token is not None else timezone.now()
    certs = extract_certificate_info(signed_data)
    signer_context = ValidationContext(trust_roots=signers, moment=moment, revocation_mode="soft-fail")
    tsa_context = ValidationContext(trust_roots=roots, other_certs=certs.other_certs, moment=moment,
                                    revocation_mode="soft-fail")
    return await async_validate_detached_cms(data, signed_data, signer_validation_context=signer_context,
                                             ts_validation_context=tsa_context, key_usage_settings=SIGNER_USAGE)

"""Where audit checkpoints are kept: one pair of files per checkpoint, never rewritten, and their export.

The format and the storage rules are in ``checkpoints`` (the module that makes them)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign.general import extract_signer_info

from vanthu.core.audit import HeadState
from vanthu.core.errors import ApplicationError
from vanthu.signing.audit.signer import accepted_signer_certificates

FORMAT = "vanthu.audit-checkpoint/1"


_NAME = re.compile(r"^(\d{8})\.(json|p7s)$")


def checkpoint_dir() -> Path:
    return Path(settings.VANTHU_AUDIT_CHECKPOINT_DIR)


def canonical_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class CheckpointFiles:
    number: int
    json: Path | None
    p7s: Path | None


def checkpoints_scan(directory: Path) -> dict[int, CheckpointFiles]:
    found: dict[int, dict[str, Path]] = {}
    if directory.is_dir():
        for path in directory.iterdir():
            match = _NAME.match(path.name)
            if match:
                found.setdefault(int(match[1]), {})[match[2]] = path
    return {number: CheckpointFiles(number, parts.get("json"), parts.get("p7s"))
            for number, parts in sorted(found.items())}


def payload_heads(payload: dict[str, Any]) -> list[HeadState]:
    return [HeadState(chain=int(h["chain"]), last_id=int(h["last_id"]), count=int(h["count"]),
                      last_hash=str(h["last_hash"])) for h in payload["heads"]]


def head_json(head: HeadState) -> dict[str, Any]:
    return {"chain": head.chain, "last_id": head.last_id, "count": head.count, "last_hash": head.last_hash}


def write_new(path: Path, data: bytes) -> None:
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


def timestamp_token(signed_data: cms.SignedData) -> cms.SignedData | None:
    attrs = extract_signer_info(signed_data)["unsigned_attrs"]
    for attr in attrs if attrs.native is not None else []:
        if attr["type"].native == "signature_time_stamp_token":
            token: cms.SignedData = attr["values"][0]["content"]
            return token
    return None


def stamped_at(token: cms.SignedData) -> dt.datetime:
    moment: dt.datetime = token["encap_content_info"]["content"].parsed["gen_time"].native
    return moment


@dataclass(frozen=True)
class Exported:
    copied: int
    present: int


def checkpoints_export(target: Path, directory: Path | None = None) -> Exported:
    """Copy every checkpoint not yet in ``target``, plus the accepted signer certificates (``signer-….pem``);
    a file already there with different content is an error: an export is never overwritten either."""
    directory = directory or checkpoint_dir()
    target.mkdir(parents=True, exist_ok=True)
    sources = [path for entry in checkpoints_scan(directory).values() for path in (entry.json, entry.p7s)
               if path is not None]
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

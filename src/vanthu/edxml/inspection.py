"""``vanthu edxml inspect FILE [--json]``: what a package carries, or the typed error that makes it defective.

Exit codes: 0 a package that can be received — with its warnings, if any (a signature that cannot be checked is
one) —, 1 a defective package (the error code and the element are printed: a fatal defect, a signature that does
not match included), 2 a file that cannot be read.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from vanthu.edxml.errors import EdxmlError
from vanthu.edxml.model import Attachment, DocumentPackage, ParsedPackage, StatusPackage
from vanthu.edxml.parse import package_parse
from vanthu.edxml.values import PRIORITY_LABELS, STATUS_LABELS, Priority
from vanthu.edxml.xmlsafe import DEFAULT_MAX_BYTES

_BUSINESS_LABELS = {0: "văn bản mới", 1: "thu hồi", 2: "cập nhật", 3: "thay thế"}


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def _plain(value: Any) -> Any:
    """Dataclasses to JSON-ready values: ``from_`` becomes ``from``, dates ISO 8601 (+07:00 for instants)."""
    if isinstance(value, Attachment):
        return attachment_describe(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name.rstrip("_"): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def attachment_describe(attachment: Attachment) -> dict[str, Any]:
    return {
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": len(attachment.data),
        "sha256": hashlib.sha256(attachment.data).hexdigest(),
        "description": attachment.description,
        "content_id": attachment.content_id,
    }


def package_describe(parsed: ParsedPackage) -> dict[str, Any]:
    """The parsed package as plain data (the ``--json`` output)."""
    document = parsed.document
    signature = _plain(parsed.signature)
    signature.pop("certificate", None)
    return {
        "kind": parsed.kind,
        "header": _plain(document.header) if document else None,
        "traces": _plain(document.traces) if document else [],
        "business": _plain(document.business) if document else None,
        "status": _plain(parsed.status) if parsed.status else None,
        "attachments": [attachment_describe(item) for item in document.attachments] if document else [],
        "signature": signature,
        "warnings": [dataclasses.asdict(warning) for warning in parsed.warnings],
        "flags": list(parsed.flags),
        "raw_values": dict(parsed.raw_values),
    }


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "-"


def _moment(value: datetime | None) -> str:
    return value.isoformat() if value else "-"


def _document_lines(document: DocumentPackage) -> list[str]:
    header, business = document.header, document.business
    priority = header.other_info.priority
    lines = [
        f"Nơi gửi: {header.from_.organ_id or '-'} {header.from_.organ_name}".rstrip(),
        *(f"Nơi nhận: {org.organ_id or '-'} {org.organ_name}".rstrip() for org in header.to),
        f"DocumentId: {header.document_id}",
        f"Số, ký hiệu: {header.code.code_number}/{header.code.code_notation}",
        f"Ngày ban hành: {_day(header.promulgation_info.promulgation_date)} {header.promulgation_info.place}".rstrip(),
        f"Loại văn bản: {header.document_type.type_name} (Type={header.document_type.type}, "
        f"TypeDetail={header.document_type.type_detail})",
        f"Trích yếu: {header.subject}",
        f"Người ký: {header.signer_info.competence} {header.signer_info.position} "
        f"{header.signer_info.full_name}".strip(),
        f"Độ khẩn: {PRIORITY_LABELS[Priority(priority)] if priority in set(Priority) else priority}",
        f"Hạn xử lý: {_day(header.due_date)}",
        f"Nghiệp vụ: {business.doc_type} ({_BUSINESS_LABELS.get(business.doc_type, '?')})"
        + (f", văn bản liên quan {business.document_id}" if business.doc_type else "")
        + (f", lý do: {business.reason}" if business.reason else ""),
    ]
    lines += [f"Vết chuyển: {trace.organ_id or '-'} {_moment(trace.timestamp)}" for trace in document.traces]
    lines.append(f"Tệp đính kèm: {len(document.attachments)}")
    for item in document.attachments:
        info = attachment_describe(item)
        lines.append(f"  - {info['name']} | {info['content_type']} | {info['size']} byte | sha256 {info['sha256']}")
    return lines


def _status_lines(status: StatusPackage) -> list[str]:
    label = STATUS_LABELS.get(status.status_code, f"không rõ ({status.status_code})")
    return [
        f"Nơi gửi: {status.from_.organ_id or '-'} {status.from_.organ_name}".rstrip(),
        f"Trạng thái: {status.status_code} ({label})",
        f"Mô tả: {status.description or '-'}",
        f"Thời điểm: {_moment(status.timestamp)}",
        f"Văn bản: {status.response_for.code} ({status.response_for.document_id}) của "
        f"{status.response_for.organ_id or '-'}",
    ]


def package_text(parsed: ParsedPackage) -> str:
    """The human-readable report."""
    lines = [f"Loại gói tin: {parsed.kind}"]
    if parsed.document is not None:
        lines += _document_lines(parsed.document)
    if parsed.status is not None:
        lines += _status_lines(parsed.status)
    signature = parsed.signature
    lines.append(f"Chữ ký số: {signature.state}" + (f" ({signature.reason})" if signature.reason else ""))
    if signature.subject:
        lines.append(f"  Chứng thư: {signature.subject} | SHA-256 {signature.fingerprint}")
    if parsed.warnings:
        lines.append(f"Cảnh báo ({len(parsed.warnings)}):")
        lines += [f"  - {warning.message} [{warning.element}]" + (f": {warning.value}" if warning.value else "")
                  for warning in parsed.warnings]
    else:
        lines.append("Cảnh báo: không có")
    return "\n".join(lines) + "\n"


def inspect_file(path: str, *, as_json: bool, stdout: Writable, stderr: Writable,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        stderr.write(f"Không đọc được tệp {path}: {exc.strerror or exc}\n")
        return 2
    try:
        parsed = package_parse(data, max_bytes=max_bytes)
    except EdxmlError as exc:
        if as_json:
            stdout.write(json.dumps({"error": {"code": exc.code, "element": exc.element, "message": str(exc.message),
                                               "extra": exc.extra}}, ensure_ascii=False, indent=2, default=str) + "\n")
        stderr.write(f"{exc.code} [{exc.element}]: {exc.message}\n")
        return 1
    if as_json:
        stdout.write(json.dumps(package_describe(parsed), ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(package_text(parsed))
    return 0


def inspect_parser(parser: argparse.ArgumentParser) -> None:
    """``inspect FILE [--json]`` on a parser (the command's, or the plain one of ``inspect_main``)."""
    sub = parser.add_subparsers(dest="action", required=True)
    inspect = sub.add_parser("inspect", help="In nội dung một gói tin edXML, hoặc lỗi làm gói tin không hợp lệ.")
    inspect.add_argument("file", help="Tệp .edxml")
    inspect.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")


def inspect_main(argv: Sequence[str], *, stdout: Writable | None = None, stderr: Writable | None = None) -> int:
    """The command without Django's command machinery: ``inspect_main(["inspect", path, "--json"])``."""
    import sys

    parser = argparse.ArgumentParser(prog="vanthu edxml")
    inspect_parser(parser)
    options = parser.parse_args(list(argv))
    return inspect_file(options.file, as_json=options.json, stdout=stdout or sys.stdout, stderr=stderr or sys.stderr)

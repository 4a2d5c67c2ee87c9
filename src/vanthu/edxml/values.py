"""Value formats of QCVN 102:2016 (docs/standards/agency-codes.md, docs/standards/edxml.md#value-formats,
docs/standards/status-codes.md): dates, timestamps, integers, codes.

Emit one form, accept every form seen in the wild. The parsers here raise ``ValueError``; the package reader
turns it into a typed error naming the element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import IntEnum
from typing import Literal

from django.utils.translation import gettext_lazy as _

# edXML dates and timestamps carry no zone: they are Vietnam time (UTC+07:00, no daylight saving).
VIETNAM_TZ = timezone(timedelta(hours=7))

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
LEGACY_NAMESPACE = "http://www.go.vn/eDoc"
DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"

# Every pattern is ASCII-only: Python's \d also matches other scripts' digits (٣), which no partner means.
ORGAN_ID_STRICT = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$", re.ASCII)
ORGAN_ID_LENIENT = re.compile(r"^[0-9A-Za-z]{1,10}(?:\.[0-9A-Za-z]{1,10}){1,5}$", re.ASCII)
# Enterprises, cooperatives and household businesses are identified by their enterprise code (the tax code,
# 10 digits, "-NNN" for a branch: QĐ 20/2020/QĐ-TTg Điều 5, docs/standards/agency-codes.md).
ORGAN_ID_ENTERPRISE = re.compile(r"^\d{10}(?:-\d{3})?$", re.ASCII)
ORGAN_ID_MAX_LENGTH = 50
# What some systems write in an identifier they do not have. Read as "absent".
PLACEHOLDER_VALUES = frozenset({"null", "nil", "none", "undefined", "n/a"})
DOCUMENT_ID_MAX_LENGTH = 255
STATUS_CODE_FORM = re.compile(r"^\d{2}$", re.ASCII)


class Priority(IntEnum):
    """``OtherInfo/Priority``: urgency only (secret documents are never exchanged)."""

    NORMAL = 0  # thường
    URGENT = 1  # khẩn
    VERY_URGENT = 2  # thượng khẩn
    EXPRESS = 3  # hỏa tốc
    EXPRESS_TIMED = 4  # hỏa tốc hẹn giờ (edXML only)


class BusinessDocType(IntEnum):
    """``BussinessDocType``: what the package does to the document it carries or names."""

    NEW = 0
    RECALL = 1  # thu hồi
    UPDATE = 2  # cập nhật
    REPLACE = 3  # thay thế


PRIORITY_LABELS = {
    Priority.NORMAL: _("Thường"),
    Priority.URGENT: _("Khẩn"),
    Priority.VERY_URGENT: _("Thượng khẩn"),
    Priority.EXPRESS: _("Hỏa tốc"),
    Priority.EXPRESS_TIMED: _("Hỏa tốc hẹn giờ"),
}

STATUS_LABELS = {
    "01": _("Đã đến"),
    "02": _("Từ chối, trả lại"),
    "03": _("Đã tiếp nhận"),
    "04": _("Đã phân công"),
    "05": _("Đang xử lý"),
    "06": _("Đã hoàn thành"),
    "13": _("Yêu cầu thu hồi"),
    "15": _("Đồng ý thu hồi, cập nhật"),
    "16": _("Từ chối thu hồi, cập nhật"),
}
# A reason is required with these codes (docs/standards/status-codes.md).
STATUS_CODES_NEEDING_DESCRIPTION = frozenset({"02", "16"})


def date_format(value: date) -> str:
    """``yyyy/MM/dd``, the only form emitted."""
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


_DATE = re.compile(r"^(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})$", re.ASCII)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
_ZONED = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.ASCII)
_HALF_DAY = re.compile(r"\d\s*[AaPp][Mm]\b", re.ASCII)
DateForm = Literal["canonical", "variant", "month_first"]


def _day_month_year(first: str, middle: str, last: str, text: str) -> tuple[date, bool]:
    """The day of ``first/middle/last``; the four-digit group is the year. Vietnamese systems write the day
    first; a middle group over 12 can only be a month-first (US) date, which is read so and reported."""
    if len(first) == 4:
        return date(int(first), int(middle), int(last)), False
    if len(last) != 4:
        raise ValueError(text)
    if int(middle) > 12 >= int(first):
        return date(int(last), int(first), int(middle)), True
    return date(int(last), int(middle), int(first)), False


def date_read(text: str) -> tuple[date, DateForm]:
    """Read ``yyyy/MM/dd`` (emitted), ``dd/MM/yyyy``, ``yyyy-MM-dd``, ``dd-MM-yyyy``, ``dd.MM.yyyy``, ``yyyyMMdd``,
    month-first dates (when the day is over 12), and any of them with a time of day, which is ignored — unless it
    has a zone: ``2024-03-04T17:00:00Z`` is 5 March in Vietnam (how .NET and Java serialise a local midnight)."""
    text = text.strip()
    if _HALF_DAY.search(text):  # a 12-hour clock: the .NET en-US form, month first
        moment, _variant = timestamp_parse(text)
        first = re.split(r"[/\-.]", text, maxsplit=1)[0]
        return moment.date(), "month_first" if len(first) <= 2 and moment.month == int(first) else "variant"
    if "T" in text or " " in text:
        if _ZONED.search(text):
            try:
                return timestamp_parse(text)[0].date(), "variant"
            except ValueError:
                pass
        day_part = re.split(r"[ T]", text, maxsplit=1)[0]
    else:
        day_part = text
    compact = _COMPACT_DATE.match(day_part)
    if compact is not None:
        return date(int(compact[1]), int(compact[2]), int(compact[3])), "variant"
    match = _DATE.match(day_part)
    if match is None:
        raise ValueError(text)
    first, middle, last = match.groups()
    result, month_first = _day_month_year(first, middle, last, text)
    if month_first:
        return result, "month_first"
    return result, "canonical" if text == date_format(result) else "variant"


def date_parse(text: str) -> tuple[date, bool]:
    """``date_read``, with whether the text was in a form other than the emitted one."""
    result, form = date_read(text)
    return result, form != "canonical"


def timestamp_format(value: datetime) -> str:
    """``yyyy/MM/dd HH:mm:ss`` in Vietnam time (24 h, whole seconds)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime")
    local = value.astimezone(VIETNAM_TZ)
    return f"{date_format(local.date())} {local.hour:02d}:{local.minute:02d}:{local.second:02d}"


_TIMESTAMP = re.compile(
    r"^(?P<date>\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4})[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?\s*(?P<half>[AaPp][Mm])?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?$",
    re.ASCII,
)
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$", re.ASCII)
_DATE_ONLY = re.compile(r"^[\d/\-.]{6,10}$", re.ASCII)


def _hour(match: re.Match[str], text: str) -> int:
    hour = int(match["hour"])
    half = (match["half"] or "").upper()
    if half and not 1 <= hour <= 12:
        raise ValueError(text)
    if half == "PM" and hour != 12:
        return hour + 12
    if half == "AM" and hour == 12:
        return 0
    return hour


def timestamp_parse(text: str) -> tuple[datetime, bool]:
    """Read ``yyyy/MM/dd HH:mm:ss`` or ISO 8601 with or without an offset; a missing zone is Vietnam time. Also
    a date alone (midnight), a 12-hour clock with AM/PM (a .NET ``en-US`` default: ``3/5/2024 2:05:09 PM``,
    month first) and Unix time in seconds or milliseconds.

    Returns the instant converted to +07:00 and whether the text was in a form other than the emitted one."""
    text = text.strip()
    if _EPOCH.match(text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(int(seconds), UTC).astimezone(VIETNAM_TZ), True
    match = _TIMESTAMP.match(text)
    if match is None:
        if not _DATE_ONLY.match(text):
            raise ValueError(text)
        day, _form = date_read(text)  # a date alone: midnight, Vietnam time
        return datetime.combine(day, time(0), VIETNAM_TZ), True
    if match["half"]:
        first, middle, last = re.split(r"[/\-.]", match["date"])
        us_order = len(last) == 4 and int(first) <= 12
        day = _day_month_year(middle, first, last, text)[0] if us_order else date_read(match["date"])[0]
    else:
        day, _form = date_read(match["date"])
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    moment = time(_hour(match, text), int(match["minute"]), int(match["second"] or 0), int(fraction))
    zone = match["zone"]
    if zone is None:
        tz = VIETNAM_TZ
    elif zone == "Z":
        tz = UTC
    else:
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset >= timedelta(hours=24):
            raise ValueError(text)
        tz = timezone(-offset if zone[0] == "-" else offset)
    result = datetime.combine(day, moment, tz).astimezone(VIETNAM_TZ)
    return result, text != timestamp_format(result) or result.microsecond != 0


_INTEGER = re.compile(r"^[+-]?\d{1,18}$", re.ASCII)


def integer_parse(text: str) -> int | None:
    """Plain decimal with surrounding whitespace; ``None`` when it is not an integer (the caller keeps it raw)."""
    text = text.strip()
    return int(text) if _INTEGER.match(text) else None


def organ_id_is_strict(organ_id: str) -> bool:
    """Our own agencies' codes: ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` (QCVN 102, QĐ 20/2020/QĐ-TTg)."""
    return ORGAN_ID_STRICT.match(organ_id) is not None


def organ_id_is_acceptable(organ_id: str) -> bool:
    """Partners' codes: the lenient form (SDK test values, local LGSP codes) or an enterprise code, at most 50
    characters."""
    return len(organ_id) <= ORGAN_ID_MAX_LENGTH and (
        ORGAN_ID_LENIENT.match(organ_id) is not None or ORGAN_ID_ENTERPRISE.match(organ_id) is not None)


def content_id_normalize(raw: str) -> tuple[str, bool]:
    """``cid:x``, ``x`` or ``<x>`` → ``x``; also returns whether the ``cid:`` prefix was there."""
    value = raw.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    had_prefix = value[:4].lower() == "cid:"
    if had_prefix:
        value = value[4:].strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value, had_prefix


def document_id_make(*, organ_id: str, promulgation_date: date, code_number: str, code_notation: str) -> str:
    """The DocumentId we emit: ``<issuer OrganId>,<yyyy/MM/dd>,<CodeNumber>/<CodeNotation>``,
    e.g. ``000.00.00.H49,2024/03/05,15/CT-UBND``."""
    return f"{organ_id.strip().upper()},{date_format(promulgation_date)},{code_number}/{code_notation}"


@dataclass(frozen=True)
class DocumentIdParts:
    organ_id: str
    promulgation_date: date
    code_number: str
    code_notation: str


_DOCUMENT_ID = re.compile(r"^([^,]{1,50}),([^,]{6,19}),([^,/]*)/([^,]*)$")


def document_id_parts(document_id: str) -> DocumentIdParts | None:
    """The parts of a DocumentId in the form ``document_id_make`` writes, or ``None`` for any other (opaque) one."""
    match = _DOCUMENT_ID.match(document_id.strip())
    if match is None:
        return None
    try:
        day, _form = date_read(match[2])
    except ValueError:
        return None
    return DocumentIdParts(match[1].strip(), day, match[3].strip(), match[4].strip())

"""Reads of the hub, always for one calling system: it sees the deliveries of the agencies it hosts and the
packages it sent, nothing else. The directory is shared by every connected system."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from vanthu.hub import conf, errors
from vanthu.hub.enums import QUEUED, DeliveryStatus, FailureReason
from vanthu.hub.models import ConnectedSystem, Delivery, HubAgency
from vanthu.hubapi.auth import VIETNAM


def hub_time(moment: datetime | None) -> str:
    """ISO 8601 in Vietnam time (``2026-03-05T09:30:00+07:00``), or empty.

    A naive datetime is refused rather than guessed at: ``astimezone`` would take it as the process's local time
    (Django sets ``TZ`` to ``TIME_ZONE``), which is how SQLite's UTC values once came out labelled +07:00.
    """
    if moment is None:
        return ""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"hub_time needs an aware datetime, got {moment!r}")
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def doc_id_normalize(doc_id: str | None) -> str:
    """Hub ids are 32 lowercase hex digits; accept them in any case and with UUID hyphens."""
    return (doc_id or "").strip().lower().replace("-", "")[:64]


def _queued_for(system: ConnectedSystem) -> Any:
    now = timezone.now()
    return Delivery.objects.filter(recipient_agency__system=system, status__in=QUEUED).filter(
        Q(hidden_until__isnull=True) | Q(hidden_until__lte=now))


def received_list_for_system(*, system: ConnectedSystem, message_type: str) -> list[dict[str, Any]]:
    """``getReceivedEdocList``: one item per package still queued for the caller, oldest first.

    A system hosting several recipients of one package gets it once; ``to`` lists those recipients.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.hub_id, p.service_type, p.message_type, p.created_at, d.updated_at, p.from_code, "
            "d.recipient_code, d.status FROM hub_delivery d JOIN hub_hubagency a ON a.id = d.recipient_agency_id "
            "JOIN hub_package p ON p.id = d.package_id WHERE a.system_id = %s AND d.status IN (%s, %s) "
            "AND p.message_type = %s AND (d.hidden_until IS NULL OR d.hidden_until <= %s) ORDER BY d.id LIMIT %s",
            [system.pk, *(status.value for status in QUEUED), message_type, now, conf.list_limit()])
        rows = cursor.fetchall()
    items: dict[str, dict[str, Any]] = {}
    labels = {status.value: str(status.label) for status in DeliveryStatus}
    for hub_id, service_type, kind, created, updated, from_code, recipient, status in rows:
        item = items.get(hub_id)
        if item is None:
            items[hub_id] = {
                "docId": hub_id, "serviceType": service_type, "messageType": kind,
                "created_time": hub_time(_datetime(created)), "updated_time": hub_time(_datetime(updated)),
                "from": from_code, "to": recipient, "status": status, "status_desc": labels[status],
            }
        else:
            item["to"] = f"{item['to']},{recipient}"
            item["updated_time"] = max(item["updated_time"], hub_time(_datetime(updated)))
    return list(items.values())


def _datetime(value: Any) -> datetime | None:
    """A timestamp column read with a plain cursor, as an aware datetime.

    PostgreSQL hands back aware values. SQLite stores the UTC wall clock as text without an offset, and Django's
    converter for ``datetime`` columns returns it as a *naive* datetime (text only through expressions): both
    are in the connection's time zone (UTC unless the database's ``TIME_ZONE`` says otherwise), which is what the
    ORM assumes too.
    """
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=connection.timezone or UTC)
    return moment


def received_count_for_system(*, system: ConnectedSystem, message_type: str) -> int:
    """``countReceiveEdoc``/``countReceiveStatus``: packages the caller would list now."""
    return int(_queued_for(system).filter(package__message_type=message_type)
               .values("package_id").distinct().count())


@dataclass(frozen=True)
class RecipientCopy:
    """The caller's share of one package: the deliveries to agencies it hosts, with their statuses."""

    package_id: int
    hub_id: str
    deliveries: tuple[tuple[int, str], ...]


def recipient_copy(*, system: ConnectedSystem, doc_id: str | None) -> RecipientCopy:
    """The caller's deliveries of a package; error 6 alike for a missing package and one not addressed to it.

    One query from the package's unique id to its few delivery rows. The hosting system is compared here rather
    than in SQL so that no plan can walk the (large) queue of the caller's agencies instead.
    """
    hub_id = doc_id_normalize(doc_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT p.id, d.id, d.status, a.system_id FROM hub_package p "
                       "JOIN hub_delivery d ON d.package_id = p.id "
                       "LEFT JOIN hub_hubagency a ON a.id = d.recipient_agency_id WHERE p.hub_id = %s", [hub_id])
        rows = cursor.fetchall()
    mine = tuple((int(delivery), str(status)) for _, delivery, status, owner in rows if owner == system.pk)
    if not mine:
        raise errors.unknown_doc()
    return RecipientCopy(package_id=int(rows[0][0]), hub_id=hub_id, deliveries=mine)


def package_body(*, copy: RecipientCopy) -> bytes:
    """The stored bytes of a package the caller may read (``recipient_copy`` checked that)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM hub_package WHERE id = %s", [copy.package_id])
        return bytes(cursor.fetchone()[0])


def _send_status(status: str) -> str:
    return DeliveryStatus.DELIVERED if status in (DeliveryStatus.DELIVERED, DeliveryStatus.ACKED) else status


def _receive_status(status: str) -> str:
    return DeliveryStatus.PENDING if status == DeliveryStatus.DELIVERED else status


def _status_desc(status: str, reason: str) -> str:
    label = str(DeliveryStatus(status).label)
    return f"{label}: {FailureReason(reason).label}" if reason else label


def sent_list_for_system(*, system: ConnectedSystem, message_type: str, doc_id: str | None) -> list[dict[str, Any]]:
    """``getSentEdocList``: one row per recipient of the caller's sent packages (one package when ``docId`` is
    given, else the newest ``VANTHU_HUB_LIST_LIMIT`` rows). ``sendStatus``: the hub handed it over (``delivered``)
    or could not (``failed``); ``receiveStatus``: the recipient acknowledged it (``acked``) or gave up.
    """
    rows = Delivery.objects.filter(package__sender_system=system, package__message_type=message_type)
    hub_id = doc_id_normalize(doc_id)
    if hub_id:
        rows = rows.filter(package__hub_id=hub_id)
    values = rows.order_by("-package_id", "id").values_list(
        "package__hub_id", "package__from_code", "recipient_code", "package__message_type",
        "package__service_type", "package__created_at", "delivered_at", "acked_at", "status", "failure_reason",
        "package__document_id",
    )[: conf.list_limit()]
    result = []
    for hub, from_code, to_code, kind, service, created, delivered, acked, status, reason, document_id in values:
        send, receive = _send_status(status), _receive_status(status)
        result.append({
            "senderDocId": hub, "receiverDocId": hub, "fromCode": from_code, "toCode": to_code,
            "title": "", "notation": "", "documentId": document_id, "messageType": kind, "serviceType": service,
            "sentTime": hub_time(created), "receivedTime": hub_time(acked or delivered),
            "sendStatus": send, "sendStatusDesc": _status_desc(send, reason if send == "failed" else ""),
            "receiveStatus": receive, "receiveStatusDesc": _status_desc(receive, reason if receive == "failed" else ""),
        })
    return result


def code_level(code: str) -> int:
    """QCVN 102 level of ``V1V2V3.Z1Z2.Y1Y2.MX1X2``: its deepest non-zero group (4 = V, 1 = the level-1 body)."""
    groups = code.split(".")
    if len(groups) != 4:
        return 0
    for level, group in zip((4, 3, 2), groups[:3], strict=True):
        if group.strip("0"):
            return level
    return 1


def _agencies(*, include_deleted: bool) -> list[dict[str, Any]]:
    qs = HubAgency.objects.all() if include_deleted else HubAgency.objects.filter(deleted=False)
    fields = ("id", "code", "code_key", "name", "parent_code", "old_code", "mail", "version", "deleted",
              "modified_at", "system__system_id")
    rows: list[dict[str, Any]] = [dict(row) for row in qs.order_by("id").values(*fields)]
    ids = {key: pk for key, pk in HubAgency.objects.values_list("code_key", "id")}
    for row in rows:
        row["pid"] = ids.get(row["parent_code"].upper(), "") if row["parent_code"] else ""
    return rows


def agencies_list() -> list[dict[str, Any]]:
    """``getAgenciesList``: the live directory."""
    return [{"id": row["id"], "pid": row["pid"], "code": row["code"], "pcode": row["parent_code"],
             "name": row["name"], "mail": row["mail"], "oldCode": row["old_code"]}
            for row in _agencies(include_deleted=False)]


def agencies_list_qd20(*, level: str | None) -> list[dict[str, Any]]:
    """``getAgenciesListQD20``: our directory holds QCVN 102 codes only, so ``code102`` is the code itself."""
    wanted = int(level) if level and level.strip().isdigit() else None
    return [{"id": row["id"], "code": row["code"], "name": row["name"], "mail": row["mail"], "code102": row["code"]}
            for row in _agencies(include_deleted=False) if wanted is None or code_level(row["code"]) == wanted]


def agencies_synchronize() -> list[dict[str, Any]]:
    """``getSynchronizeUnit``: every agency ever registered, deleted ones flagged, with version and hosting system."""
    return [{"id": row["id"], "pid": row["pid"], "code": row["code"], "pcode": row["parent_code"],
             "name": row["name"], "mail": row["mail"], "version": row["version"],
             "centerCode": row["system__system_id"], "deleted": row["deleted"], "isAgency": True,
             "modifyDate": hub_time(row["modified_at"])}
            for row in _agencies(include_deleted=True)]

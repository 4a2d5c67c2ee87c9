"""Every write of the hub. One transaction each, with its ``HubEvent`` in the same transaction.

Locking: ``package_send`` takes a PostgreSQL advisory lock on (sender, body SHA-256) so that two identical sends
racing each other store one package, and two repeats to new recipients deliver to each recipient once (on SQLite,
``BEGIN IMMEDIATE`` already serialises writers);
``delivery_ack`` updates (and so locks) the caller's delivery rows of one package in one statement.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanthu.hub import conf, errors
from vanthu.hub.enums import QUEUED, AckStatus, DeliveryStatus, FailureReason
from vanthu.hub.models import ConnectedSystem, HubAgency
from vanthu.hub.selectors import RecipientCopy, recipient_copy
from vanthu.hub.validation import AcceptedPackage, code_key

# docs/standards/agency-codes.md: partners' codes are accepted leniently (max 50 characters).
LENIENT_CODE = re.compile(r"^[0-9A-Za-z]{1,10}(?:\.[0-9A-Za-z]{1,10}){1,5}$")


def _event(*, system: ConnectedSystem | None, event_type: str, target: str, data: dict[str, Any],
           at: datetime | None = None) -> None:
    """Append a ``HubEvent`` in the caller's transaction (one plain INSERT: queue operations write one each)."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO hub_hubevent (created_at, system_id, event_type, target, data) "
                       "VALUES (%s, %s, %s, %s, %s)",
                       [connection.ops.adapt_datetimefield_value(at or timezone.now()),
                        system.pk if system else None, event_type, target, json.dumps(data, ensure_ascii=False)])


@transaction.atomic
def system_add(*, system_id: str, secret: str, name: str = "") -> ConnectedSystem:
    """Connect a system, or give a connected one a new secret. The secret never reaches the event log."""
    system_id = system_id.strip()
    if not system_id or not secret:
        raise errors.malformed(_("Cần mã hệ thống và khóa bí mật"), "systemid")
    system = ConnectedSystem.objects.select_for_update().filter(system_id=system_id).first()
    if system is None:
        system = ConnectedSystem.objects.create(system_id=system_id, secret=secret, name=name)
        _event(system=None, event_type="system.added", target=system_id, data={"name": name})
        return system
    system.secret, system.is_active = secret, True
    if name:
        system.name = name
    system.save(update_fields=["secret", "is_active", "name", "updated_at"])
    _event(system=None, event_type="system.secret_changed", target=system_id, data={"name": system.name})
    return system


@transaction.atomic
def agency_register(
    *,
    actor: ConnectedSystem | None,
    system: ConnectedSystem,
    code: str,
    name: str,
    parent_code: str = "",
    mail: str = "",
    mobile: str = "",
    fax: str = "",
) -> HubAgency:
    """Add an agency to the directory under ``system``, or update it (``version`` + 1).

    ``actor`` is the calling system (``registerAgency``): it may only register codes nobody else holds. ``None`` is
    the hub's administrator (``vanthu hub agency add``), who may also move an agency to another system.
    """
    code, name = code.strip(), name.strip()
    if not LENIENT_CODE.match(code) or len(code) > 50:
        raise errors.malformed(_("Mã định danh đơn vị không hợp lệ: %(code)s") % {"code": code[:60]}, "code")
    if not name:
        raise errors.malformed(_("Thiếu tên đơn vị"), "name")
    parent_code = parent_code.strip()
    if parent_code and (not LENIENT_CODE.match(parent_code) or len(parent_code) > 50):
        raise errors.malformed(_("Mã đơn vị cấp trên không hợp lệ: %(code)s") % {"code": parent_code[:60]}, "pcode")
    agency = HubAgency.objects.select_for_update().filter(code_key=code_key(code)).first()
    if agency is not None and actor is not None and agency.system_id != actor.pk:
        raise errors.sender_not_owned(code)
    fields = {"code": code, "name": name[:500], "parent_code": parent_code, "mail": mail.strip()[:254],
              "mobile": mobile.strip()[:50], "fax": fax.strip()[:50]}
    if agency is None:
        agency = HubAgency.objects.create(code_key=code_key(code), system=system, **fields)
        event = "agency.registered"
    else:
        old_system = agency.system.system_id
        for field, value in fields.items():
            setattr(agency, field, value)
        agency.system, agency.deleted, agency.version = system, False, agency.version + 1
        agency.save()
        event = "agency.updated" if old_system == system.system_id else "agency.moved"
    _event(system=actor, event_type=event, target=agency.code,
           data={**fields, "system": system.system_id, "version": agency.version})
    return agency


@transaction.atomic
def agency_delete(*, actor: ConnectedSystem | None, code: str) -> HubAgency:
    """Mark an agency deleted (kept for ``getSynchronizeUnit``). Unknown and not-yours answer alike (error 3)."""
    agency = HubAgency.objects.select_for_update().filter(code_key=code_key(code), deleted=False).first()
    if agency is None or (actor is not None and agency.system_id != actor.pk):
        raise errors.sender_not_owned(code.strip())
    agency.deleted, agency.version = True, agency.version + 1
    agency.save(update_fields=["deleted", "version", "modified_at"])
    _event(system=actor, event_type="agency.deleted", target=agency.code, data={"version": agency.version})
    return agency


def _lock_key(from_key: str, sha256: str) -> int:
    digest = hashlib.sha256(f"{from_key}\n{sha256}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


_PACKAGE_COLUMNS = ("hub_id", "from_code", "from_key", "sender_system_id", "message_type", "service_type",
                    "document_id", "business_doc_type", "status_code", "body", "sha256", "size", "created_at")
_DELIVERY_COLUMNS = ("package_id", "recipient_code", "recipient_agency_id", "status", "failure_reason", "attempts",
                     "created_at", "updated_at")
_PACKAGE_INSERT_FIRST = (
    f"INSERT INTO hub_package ({', '.join(_PACKAGE_COLUMNS)}) SELECT {_placeholders(len(_PACKAGE_COLUMNS))} "  # noqa: S608
    "WHERE NOT EXISTS (SELECT 1 FROM hub_package WHERE from_key = %s AND sha256 = %s AND created_at >= %s) "
    "RETURNING id")
_PACKAGE_INSERT = (
    f"INSERT INTO hub_package ({', '.join(_PACKAGE_COLUMNS)}) VALUES ({_placeholders(len(_PACKAGE_COLUMNS))}) "  # noqa: S608
    "RETURNING id")
_EARLIER_SENDS = (
    "SELECT p.id, p.hub_id, d.recipient_code, d.recipient_agency_id FROM hub_package p "
    "JOIN hub_delivery d ON d.package_id = p.id WHERE p.from_key = %s AND p.sha256 = %s AND p.created_at >= %s "
    "ORDER BY p.id")

Known = dict[str, tuple[int, int]]  # code_key → (agency id, hosting system id)


def _store(cursor: Any, *, postgres: bool, package: AcceptedPackage, system: ConnectedSystem, hub_id: str,
           recipients: list[tuple[str, str]], known: Known, at: Any, first_since: Any = None) -> bool:
    """INSERT the package row and one delivery per (code, key) recipient; with ``first_since``, only if the sender
    sent no identical body since then. True when stored."""
    from_key = code_key(package.from_code)
    params: list[Any] = [
        hub_id, package.from_code, from_key, system.pk, package.message_type, package.service_type,
        package.document_id, package.business_doc_type, package.status_code, package.body, package.sha256,
        len(package.body), at]
    insert = _PACKAGE_INSERT
    if first_since is not None:
        insert, params = _PACKAGE_INSERT_FIRST, [*params, from_key, package.sha256, first_since]
    deliveries: list[Any] = []
    for code, key in recipients:
        agency = known.get(key)
        deliveries += [code, agency[0] if agency else None,
                       DeliveryStatus.PENDING.value if agency else DeliveryStatus.FAILED.value,
                       "" if agency else FailureReason.UNKNOWN_RECIPIENT.value]
    if postgres:
        values = ", ".join(["(%s, %s::bigint, %s, %s)"] * len(recipients))
        cursor.execute(
            f"WITH package AS ({insert}) INSERT INTO hub_delivery ({', '.join(_DELIVERY_COLUMNS)}) "  # noqa: S608
            f"SELECT package.id, v.code, v.agency, v.status, v.reason, 0, %s, %s FROM package, "
            f"(VALUES {values}) AS v (code, agency, status, reason) RETURNING package_id",
            [*params, at, at, *deliveries])
        return cursor.fetchone() is not None
    cursor.execute(insert, params)
    inserted = cursor.fetchone()
    if inserted is None:
        return False
    row = f"({_placeholders(len(_DELIVERY_COLUMNS))})"
    rows: list[Any] = []
    for index in range(len(recipients)):
        rows += [inserted[0], *deliveries[index * 4:index * 4 + 4], 0, at, at]
    cursor.execute(f"INSERT INTO hub_delivery ({', '.join(_DELIVERY_COLUMNS)}) "  # noqa: S608
                   f"VALUES {', '.join([row] * len(recipients))}", rows)
    return True


@transaction.atomic
def package_send(*, system: ConnectedSystem, package: AcceptedPackage) -> str:
    """Store an accepted package with one delivery per recipient, in one transaction; returns its DocId.

    The sender must be an agency hosted by the calling system (error 3). A recipient the directory does not know
    is stored as a ``failed`` delivery, visible to the sender (open point 8).

    The same sender and body SHA-256 within ``VANTHU_HUB_DUPLICATE_WINDOW_HOURS`` (open point 9) is a repeat: when
    every recipient it names already has the package from an earlier send, nothing is stored and the DocId of the
    newest such send is returned, so a retried send is harmless. Recipients the earlier sends did not reach — a
    new address, or one the directory did not know then and knows now — get it as a new package with its own
    DocId (the sender's record of this send; integrators, ours included, keep one DocId per send), and nobody gets
    it twice. That rare case writes a ``package.repeated`` event naming the earlier DocIds.

    The hub's hot path, so plain SQL, the body bound once as binary: on PostgreSQL two statements and the commit
    (the advisory lock rides on the directory query, the deliveries on the package INSERT), on SQLite three. The
    package row, never updated, is the record of the send (calling system, time, sender, size, SHA-256;
    recipients in its deliveries), so no ``HubEvent`` repeats it; every later change of a delivery writes one.
    """
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    since = connection.ops.adapt_datetimefield_value(now - timedelta(hours=conf.duplicate_window_hours()))
    from_key = code_key(package.from_code)
    recipients = [(code, code_key(code)) for code in package.recipients]
    wanted = sorted({from_key, *(key for _, key in recipients)})
    postgres = connection.vendor == "postgresql"
    hub_id = uuid.uuid4().hex
    with connection.cursor() as cursor:
        # The lock serialises identical sends until commit; the next statement's snapshot then sees the winner's.
        lock = ", pg_advisory_xact_lock(%s)" if postgres else ""
        cursor.execute(f"SELECT code_key, id, system_id{lock} FROM hub_hubagency WHERE deleted = %s "  # noqa: S608
                       f"AND code_key IN ({_placeholders(len(wanted))})",
                       [*([_lock_key(from_key, package.sha256)] if postgres else []), False, *wanted])
        known: Known = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        sender = known.get(from_key)
        if sender is None or sender[1] != system.pk:
            raise errors.sender_not_owned(package.from_code)
        if _store(cursor, postgres=postgres, package=package, system=system, hub_id=hub_id, recipients=recipients,
                  known=known, at=at, first_since=since):
            _warnings_record(system=system, hub_id=hub_id, package=package, at=now)
            return hub_id
        cursor.execute(_EARLIER_SENDS, [from_key, package.sha256, since])
        holders: dict[str, tuple[int, str]] = {}  # recipient key → (package id, DocId) of the newest send to it
        for package_id, earlier_hub_id, code, agency_id in cursor.fetchall():
            key = code_key(code)
            if agency_id is None and key in known:
                continue  # not delivered then (unknown recipient), deliverable now
            holders[key] = (int(package_id), str(earlier_hub_id))
        fresh = [(code, key) for code, key in recipients if key not in holders]
        if not fresh:
            return max(holders[key] for _, key in recipients)[1]
        _store(cursor, postgres=postgres, package=package, system=system, hub_id=hub_id, recipients=fresh,
               known=known, at=at)
    skipped = [code for code, key in recipients if key in holders]
    _event(system=system, event_type="package.repeated", target=hub_id, at=now,
           data={"earlier": sorted({holders[code_key(code)][1] for code in skipped}), "skipped": skipped,
                 "to": [code for code, _ in fresh]})
    _warnings_record(system=system, hub_id=hub_id, package=package, at=now)
    return hub_id


def _warnings_record(*, system: ConnectedSystem, hub_id: str, package: AcceptedPackage, at: datetime) -> None:
    """A package accepted with warnings (validation.py) keeps them in the event log, beside the answer's."""
    if package.warnings:
        _event(system=system, event_type="package.warning", target=hub_id, at=at,
               data={"warnings": list(package.warnings)})


def _in(ids: list[int]) -> str:
    return f"id IN ({_placeholders(len(ids))})"


@transaction.atomic
def delivery_mark_delivered(*, system: ConnectedSystem, copy: RecipientCopy) -> int:
    """The recipient fetched the package (``getEdoc``/``downloadEdoc``): its pending deliveries become delivered."""
    pending = [pk for pk, status in copy.deliveries if status == DeliveryStatus.PENDING]
    if not pending:
        return 0
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE hub_delivery SET status = %s, delivered_at = %s, updated_at = %s "  # noqa: S608
                       f"WHERE {_in(pending)} AND status = %s",
                       [DeliveryStatus.DELIVERED.value, at, at, *pending, DeliveryStatus.PENDING.value])
        changed = int(cursor.rowcount)
    if changed:
        _event(system=system, event_type="delivery.delivered", target=copy.hub_id, at=now, data={"count": changed})
    return changed


@transaction.atomic
def delivery_ack(*, system: ConnectedSystem, doc_id: str, status: str) -> int:
    """``updateStatus`` (open point 5): ``done`` dequeues, ``fail`` counts an attempt and gives up at
    ``VANTHU_HUB_MAX_DELIVERY_ATTEMPTS``, ``processing`` hides the package for ``VANTHU_HUB_PROCESSING_HIDE_SECONDS``.

    Acts on the caller's queued deliveries of that package in one UPDATE (which locks them, and re-checks that they
    are still queued); acknowledged or failed ones stay as they are, so a repeated ``done`` is a no-op. Unknown or
    not addressed to the caller → error 6. Plain SQL: the receive loop calls this once per package.
    """
    value = status.strip().lower()
    if value not in AckStatus.values:
        raise errors.malformed(_("Tham số status phải là done, fail hoặc processing"), "status")
    copy = recipient_copy(system=system, doc_id=doc_id)
    queued = [pk for pk, state in copy.deliveries if state in QUEUED]
    if not queued:
        return 0
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    params: list[Any]
    if value == AckStatus.DONE:
        sql, params = "status = %s, acked_at = %s, hidden_until = NULL", [DeliveryStatus.ACKED.value, at]
    elif value == AckStatus.PROCESSING:
        hide = now + timedelta(seconds=conf.processing_hide_seconds())
        sql, params = "hidden_until = %s", [connection.ops.adapt_datetimefield_value(hide)]
    else:
        limit = conf.max_delivery_attempts()
        sql = ("attempts = attempts + 1, hidden_until = NULL, "
               "status = CASE WHEN attempts + 1 >= %s THEN %s ELSE status END, "
               "failure_reason = CASE WHEN attempts + 1 >= %s THEN %s ELSE failure_reason END")
        params = [limit, DeliveryStatus.FAILED.value, limit, FailureReason.MAX_ATTEMPTS.value]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE hub_delivery SET {sql}, updated_at = %s WHERE {_in(queued)} "  # noqa: S608
                       "AND status IN (%s, %s) RETURNING status",
                       [*params, at, *queued, *(state.value for state in QUEUED)])
        statuses = [row[0] for row in cursor.fetchall()]
    if statuses:
        event = "delivery.given_up" if DeliveryStatus.FAILED.value in statuses else f"delivery.{value}"
        _event(system=system, event_type=event, target=copy.hub_id, at=now, data={"count": len(statuses)})
    return len(statuses)

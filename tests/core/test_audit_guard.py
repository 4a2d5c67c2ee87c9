"""The database itself refuses to rewrite audit rows: triggers on both databases, privileges on PostgreSQL."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests.core.audit_kit import write_events
from vanthu.core.audit_guard import audit_guard_disable, audit_guard_installed
from vanthu.core.models import AuditChainHead, AuditEvent
from vanthu.signing.audit.verify import audit_verify

TABLE = AuditEvent._meta.db_table


def _refused(sql: str, params: list[object] | None = None) -> str:
    """Run ``sql`` in a savepoint that must fail; the database's message."""
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    return str(exc.value)


@pytest.mark.django_db
def test_update_of_an_audit_row_is_refused_by_the_database() -> None:
    event = write_events(None, 1)[0]
    message = _refused(f"UPDATE {TABLE} SET data = '{{}}' WHERE id = %s", [event.pk])
    assert "chỉ được ghi thêm" in message
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(event_type="da.sua")
    assert AuditEvent.objects.get(pk=event.pk).event_type == event.event_type


@pytest.mark.django_db
def test_delete_of_an_audit_row_is_refused_by_the_database() -> None:
    event = write_events(None, 1)[0]
    assert "chỉ được ghi thêm" in _refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
@pytest.mark.postgres
def test_truncate_of_the_audit_table_is_refused_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE and its statement triggers are PostgreSQL's")
    write_events(None, 2)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else PostgreSQL refuses for the queued FK checks first
    assert "chỉ được ghi thêm" in _refused(f"TRUNCATE {TABLE} CASCADE")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_the_head_rows_stay_writable_so_appending_goes_on() -> None:
    write_events(None, 2)
    head = AuditChainHead.objects.get(chain=0)
    assert head.count == 2
    write_events(None, 1)
    assert AuditChainHead.objects.get(chain=0).count == 3
    assert list(audit_verify()) == []


@pytest.mark.django_db
@pytest.mark.postgres
def test_an_application_role_without_update_delete_truncate_can_append_but_not_rewrite() -> None:
    """The set-up docs/subsystems/audit.md recommends: the triggers gone (a table owner could drop them), the
    role's missing privileges still refuse the rewrite while the application keeps appending."""
    if connection.vendor != "postgresql":
        pytest.skip("roles and privileges are PostgreSQL's")
    write_events(None, 1)
    with connection.cursor() as cursor:
        audit_guard_disable(connection)
        cursor.execute("CREATE ROLE vanthu_app_test NOLOGIN")
        cursor.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO vanthu_app_test")
        cursor.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO vanthu_app_test")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM vanthu_app_test")
        cursor.execute("SET ROLE vanthu_app_test")
    try:
        appended = write_events(None, 1)[0]
        for sql in (f"UPDATE {TABLE} SET data = '{{}}'", f"DELETE FROM {TABLE}", f"TRUNCATE {TABLE} CASCADE"):
            assert "permission denied" in _refused(sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.filter(pk=appended.pk).exists()
    assert list(audit_verify()) == []


@pytest.mark.django_db
def test_verify_warns_when_the_triggers_are_gone_and_protect_puts_them_back() -> None:
    write_events(None, 1)
    audit_guard_disable(connection)
    assert audit_guard_installed(connection) is False
    err = StringIO()
    call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert "không có trigger chặn sửa, xóa" in err.getvalue()
    out = StringIO()
    call_command("audit", "protect", stdout=out)
    assert "Đã cài trigger" in out.getvalue()
    assert audit_guard_installed(connection) is True


@pytest.mark.django_db(transaction=True)
def test_flush_between_transactional_tests_still_empties_the_audit_table() -> None:
    """What TransactionTestCase (transactional_db, live_server) does after each test, under the test settings."""
    write_events(None, 2)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert audit_guard_installed(connection) is True


@pytest.mark.django_db(transaction=True)
def test_a_flush_that_was_not_asked_to_erase_the_log_is_refused_and_changes_nothing() -> None:
    write_events(None, 2)
    with pytest.raises(Exception, match="couldn't be flushed"):
        call_command("flush", interactive=False, verbosity=0, erase_audit_log=False)
    assert AuditEvent.objects.count() == 2

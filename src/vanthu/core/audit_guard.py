"""Database triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit rows.

The hash chain makes a rewrite detectable; these triggers make the everyday ways of rewriting fail outright: an
ORM ``update()``/``delete()`` by mistake, a hand-written ``UPDATE`` in a database console. They are not the last
line against someone who controls the database — a table owner can disable a trigger, and SQLite has no privileges
at all — which is why checkpoints are signed and kept outside the database (``signing/audit/``), and why
a province should run the application as a PostgreSQL role that has no UPDATE, DELETE or TRUNCATE on the table
(docs/subsystems/audit.md). The head rows (``core_auditchainhead``) stay writable: every append moves one.

There is no switch in the triggers (no session setting that lets a statement through): whoever may bypass them must
be able to drop or disable them, which on PostgreSQL means owning the table. Emptying the database on purpose
(``vanthu flush --erase-audit-log``, the test suite's flush between transactional tests) suspends them inside the
flush's own transaction with :func:`audit_guard_suspended`.

On SQLite, a migration that rebuilds ``core_auditevent`` (Django copies the table to change a column) drops its
triggers; such a migration must call :func:`audit_guard_install` again. ``vanthu audit verify`` warns when they are
missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_auditevent"
MESSAGE = "core_auditevent: nhật ký hệ thống chỉ được ghi thêm, không được sửa hay xóa"
SQLITE_TRIGGERS = ("core_auditevent_no_update", "core_auditevent_no_delete")
PG_FUNCTION = "vanthu_audit_append_only"
PG_ROW_TRIGGER = "core_auditevent_append_only"
PG_TRUNCATE_TRIGGER = "core_auditevent_no_truncate"


def _sqlite_install() -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({op})'); END"
        for name, op in zip(SQLITE_TRIGGERS, ("UPDATE", "DELETE"), strict=True)
    ]


def _pg_install() -> list[str]:
    # 42501 (insufficient_privilege): the same error class as the REVOKE of the recommended role set-up.
    return [
        f"""CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE} (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$""",
        f"DROP TRIGGER IF EXISTS {PG_ROW_TRIGGER} ON {TABLE}",
        f"CREATE TRIGGER {PG_ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
        f"DROP TRIGGER IF EXISTS {PG_TRUNCATE_TRIGGER} ON {TABLE}",
        f"CREATE TRIGGER {PG_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()",
    ]


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def audit_guard_install(connection: BaseDatabaseWrapper) -> bool:
    """Create the triggers (idempotent). False on a database without triggers we know how to write."""
    if connection.vendor == "sqlite":
        _execute(connection, _sqlite_install())
    elif connection.vendor == "postgresql":
        _execute(connection, _pg_install())
    else:
        return False
    return True


def audit_guard_remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (the migration's reverse)."""
    if connection.vendor == "sqlite":
        _execute(connection, [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS])
    elif connection.vendor == "postgresql":
        _execute(connection, [f"DROP TRIGGER IF EXISTS {PG_ROW_TRIGGER} ON {TABLE}",
                              f"DROP TRIGGER IF EXISTS {PG_TRUNCATE_TRIGGER} ON {TABLE}",
                              f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()"])


def audit_guard_installed(connection: BaseDatabaseWrapper) -> bool | None:
    """Whether every trigger is present and enabled; None on a database where there are none to expect."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            return set(SQLITE_TRIGGERS) <= {row[0] for row in cursor.fetchall()}
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'",
                           [TABLE])
            return {PG_ROW_TRIGGER, PG_TRUNCATE_TRIGGER} <= {row[0] for row in cursor.fetchall()}
    return None


def audit_guard_disable(connection: BaseDatabaseWrapper) -> None:
    """Take the triggers out of the current transaction's way; a rollback puts them back (DDL is transactional
    on both databases). On PostgreSQL this needs the table's owner, which the application role should not be."""
    if connection.vendor == "sqlite":
        _execute(connection, [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS])
    elif connection.vendor == "postgresql":
        # ALTER TABLE refuses a table with deferred foreign-key checks still queued in this transaction. Django
        # creates every foreign key DEFERRABLE INITIALLY DEFERRED and the schema has no other deferrable
        # constraint, so DEFERRED afterwards is the state the transaction was in.
        _execute(connection, [
            "SET CONSTRAINTS ALL IMMEDIATE",
            f"ALTER TABLE {TABLE} DISABLE TRIGGER {PG_ROW_TRIGGER}, DISABLE TRIGGER {PG_TRUNCATE_TRIGGER}",
            "SET CONSTRAINTS ALL DEFERRED",
        ])


def audit_guard_enable(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "sqlite":
        _execute(connection, _sqlite_install())
    elif connection.vendor == "postgresql":
        _execute(connection, [
            "SET CONSTRAINTS ALL IMMEDIATE",
            f"ALTER TABLE {TABLE} ENABLE TRIGGER {PG_ROW_TRIGGER}, ENABLE TRIGGER {PG_TRUNCATE_TRIGGER}",
            "SET CONSTRAINTS ALL DEFERRED",
        ])


@contextmanager
def audit_guard_suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Run the block with the triggers out of the way, all in one transaction: they are back when it commits,
    and if anything fails the rollback restores them too."""
    with transaction.atomic(using=connection.alias):
        audit_guard_disable(connection)
        yield
        audit_guard_enable(connection)

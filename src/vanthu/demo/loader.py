"""Load (or reload) the demo province: ``demo_load()`` and the login table printed after it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.db.models import Q
from django.utils import timezone

from vanthu.core.calendar import holidays_seed
from vanthu.demo.data import PRESS_NAME, PROVINCE_CODE
from vanthu.demo.documents import DocumentLoader
from vanthu.demo.org import organisation_build
from vanthu.documents.models import IncomingDocument
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Agency, Membership, User
from vanthu.reports.rollup import stats_rebuild

DEFAULT_DOCUMENTS = 200


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False when the demo province was already there and nothing was done
    agencies: int
    users: int
    documents: int
    seconds: float


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    agency: str


def demo_exists() -> bool:
    return Agency.objects.filter(organ_id=PROVINCE_CODE).exists()


def _demo_agencies_q() -> Q:
    return Q(organ_id__endswith=".H99") | Q(organ_id__isnull=True, name=PRESS_NAME)


def database_wipe() -> None:
    """Empty every table, then re-run the seed data migrations of Vanthu's own apps (roles, levels, types).

    The demo cannot be removed row by row: the audit log is append-only and hash-chained, so deleting the demo's
    events would break the chain. Resetting therefore means an empty database. Only ``RunPython`` operations whose
    function is named ``seed…`` are re-run: the convention for migrations that insert reference rows (others,
    such as the search index DDL, survive a flush).
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # TRUNCATE refuses tables with deferred foreign-key checks still pending in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0, erase_audit_log=True)  # the log's triggers allow it then
    own = {cfg.label for cfg in apps.get_app_configs() if cfg.name.startswith("vanthu.")}
    loader = MigrationLoader(connection)
    seen: set[tuple[str, str]] = set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for node in loader.graph.forwards_plan(leaf):
            if node in seen:
                continue
            seen.add(node)
            operations = [op for op in loader.graph.nodes[node].operations
                          if isinstance(op, RunPython) and getattr(op.code, "__name__", "").startswith("seed")]
            if node[0] not in own or not operations:
                continue
            state = loader.project_state(node, at_end=False)
            # Seeds only use ``apps``; the editor is not entered, so this also works inside a transaction on SQLite.
            editor = connection.schema_editor(atomic=False)
            for op in operations:
                op.code(state.apps, editor)


def demo_load(*, reset: bool = False, documents: int = DEFAULT_DOCUMENTS) -> DemoSummary:
    """Build Tỉnh Demo through the real services. Does nothing if it is already loaded, unless ``reset``.

    ``reset=True`` wipes the WHOLE database first (see :func:`database_wipe`).
    """
    started = time.monotonic()
    if reset:
        database_wipe()
    elif demo_exists():
        return _summary(created=False, started=started)
    today = timezone.localdate()
    with transaction.atomic():
        holidays_seed(years=[today.year, today.year + 1])
        organisation = organisation_build()
        DocumentLoader(organisation, total=documents).load()
    # The demo moves the services' timestamps back to its planned history: the statistics are computed afresh.
    stats_rebuild()
    return _summary(created=True, started=started)


def _summary(*, created: bool, started: float) -> DemoSummary:
    agencies = Agency.objects.filter(_demo_agencies_q())
    return DemoSummary(
        created=created, agencies=agencies.count(),
        users=User.objects.filter(memberships__agency__in=agencies).distinct().count(),
        documents=IncomingDocument.objects.filter(agency__in=agencies).count(),
        seconds=time.monotonic() - started,
    )


def demo_logins() -> list[DemoLogin]:
    """Username, roles and agency of every demo account, in creation order (the superuser first)."""
    rows = [DemoLogin(u.username, u.full_name, str(RoleCode.SYSADMIN.label), "—")
            for u in User.objects.filter(is_superuser=True, username="admin")]
    memberships = (
        Membership.objects.filter(agency__in=Agency.objects.filter(_demo_agencies_q()), is_active=True)
        .select_related("user", "agency").prefetch_related("roles").order_by("agency_id", "id")
    )
    for m in memberships:
        roles = ", ".join(sorted(str(RoleCode(code).label) for code in m.role_codes()))
        rows.append(DemoLogin(m.user.username, m.user.full_name, roles, m.agency.name))
    return rows

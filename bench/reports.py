"""Benchmark: the province's statistics at scale, on PostgreSQL.

A province of ``--agencies`` agencies (one People's Committee, ~40 departments, the rest communes; three units
each) and ``--docs`` documents in the year, 60 % incoming (80 % electronic, directed to a unit with a deadline, most
completed) and 40 % outgoing (issued, 1–3 recipient deliveries, 98–99 % with valid signatures) — seeded with
``INSERT … SELECT generate_series`` in a throwaway database. Then:

1. ``stats_rebuild`` for the twelve months (what ``vanthu stats rebuild`` does), timed;
2. through Django's test client, as the province's statistics viewer: the dashboard (``/thong-ke/``) and the
   province's monthly report (``/thong-ke/bao-cao/PROVINCE_MONTHLY/<root>/``), p50/p95 over ``--runs``;
3. the **baseline**, in the same run: the bare rollup query the report needs — the month's agency rows of
   ``reports_monthlystat`` fetched with a cursor.

    .venv/bin/python bench/reports.py                              # 650 agencies, 2,500,000 documents
    .venv/bin/python bench/reports.py --scale 0.1                  # 650 agencies, 250,000 documents: the same
                                                                   # 650-row report to export, a tenth of the seed
    .venv/bin/python bench/reports.py --agencies 100 --docs 200000  # a quick look
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.timing import measure  # noqa: E402 - after the path is set

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB = os.environ.get("BENCH_REPORTS_DB", f"vanthu_bench_reports_{os.getpid()}")
YEAR = 2026


@contextmanager
def timed(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)


def _setup(tmp: Path, *, reuse: bool) -> Callable[[], None]:
    import psycopg

    if not reuse:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DB}"')
    os.environ.update(VANTHU_VAR_DIR=str(tmp / "var"), VANTHU_ALLOWED_HOSTS="testserver",
                      DJANGO_SETTINGS_MODULE="vanthu.config.settings_test",
                      DATABASE_URL=PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB}")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')

    return drop


def _agencies(count: int) -> tuple[Any, Any]:
    from vanthu.organizations.models import Agency, AgencyLevel, Unit, User
    from vanthu.organizations.services import membership_create, user_create

    levels = {level.code: level for level in AgencyLevel.objects.all()}
    root = Agency.objects.create(name="Ủy ban nhân dân tỉnh Thử tải", abbreviation="UBND", organ_id="000.00.00.H98",
                                 level=levels["PROVINCE"])
    departments = min(40, count - 1)
    rows = []
    for i in range(1, count):
        department = i <= departments
        rows.append(Agency(name=(f"Sở số {i}" if department else f"Ủy ban nhân dân xã số {i}"),
                           abbreviation="S" if department else "UBND",
                           organ_id=f"{i % 1000:03d}.00.{i // 1000:02d}.H98",
                           level=levels["DEPARTMENT" if department else "COMMUNE"], parent=root))
    Agency.objects.bulk_create(rows, batch_size=1000)
    units = [Unit(agency_id=pk, name=name, abbreviation=abbr) for pk in Agency.objects.values_list("pk", flat=True)
             for name, abbr in (("Văn phòng", "VP"), ("Phòng Tổng hợp", "TH"), ("Phòng Chuyên môn", "CM"))]
    Unit.objects.bulk_create(units, batch_size=2000)
    viewer = user_create(actor=None, username="thongke.tinh", full_name="Thống kê tỉnh", password=None)
    membership_create(actor=None, user=viewer, agency=root, roles=["STATS_VIEWER"])
    return root, User.objects.get(pk=viewer.pk)


SEED_SQL = """
CREATE TEMP TABLE bench_units AS
  SELECT agency_id, array_agg(id ORDER BY id) AS ids FROM organizations_unit GROUP BY agency_id;
CREATE TEMP TABLE bench_agencies AS
  SELECT row_number() OVER (ORDER BY id) AS n, id FROM organizations_agency;
INSERT INTO documents_incomingdocument (
  agency_id, state, channel, arrived_at, document_type_id, code_number, code_notation, issued_date, organ_name,
  organ_id, subject, description, language, signer_position, signer_full_name, priority, confidentiality, to_places,
  document_id, due_date, forwarded_at, completed_at, result_note, reply_reference, returned_reason, note,
  created_by_id, created_at, updated_at)
SELECT a.id,
  CASE WHEN g % 50 = 0 THEN 'RETURNED' WHEN g % 10 < 7 THEN 'COMPLETED' ELSE 'IN_PROGRESS' END,
  CASE WHEN g % 5 = 0 THEN 'PAPER' ELSE 'ELECTRONIC' END,
  t.at, %(type)s, (g % 999 + 1)::text, 'UBND-VP', t.at::date, 'Cơ quan gửi', '', 'Văn bản số ' || g, '',
  'Tiếng Việt', '', '', 0, CASE WHEN g % 997 = 0 THEN 1 ELSE 0 END, '', '',
  CASE WHEN g % 50 <> 0 THEN (t.at + interval '10 days')::date END, t.at,
  CASE WHEN g % 50 <> 0 AND g % 10 < 7 THEN t.at + ((g % 13) || ' days')::interval END,
  '', '', '', '', %(user)s, t.at, t.at
FROM generate_series(1, %(incoming)s) g
JOIN bench_agencies a ON a.n = 1 + (g::bigint * 7919) %% (SELECT count(*) FROM bench_agencies)
CROSS JOIN LATERAL (SELECT make_timestamptz(%(year)s, 1, 1, 8, 0, 0, 'Asia/Ho_Chi_Minh')
                    + ((g %% 365) || ' days')::interval + ((g %% 9) || ' hours')::interval AS at) t;
UPDATE documents_incomingdocument SET returned_at = arrived_at + interval '1 hour' WHERE state = 'RETURNED';
INSERT INTO workflows_direction (incoming_id, leader_id, instruction, due_date, is_current, created_at)
SELECT d.id, %(user)s, '', d.due_date, true, d.arrived_at FROM documents_incomingdocument d
WHERE d.due_date IS NOT NULL;
INSERT INTO workflows_assignment (incoming_id, direction_id, role, unit_id, state, due_date, instruction,
  assigned_by_id, created_at, result_note)
SELECT r.incoming_id, r.id, 'LEAD', u.ids[1 + r.incoming_id %% 3],
  CASE WHEN d.completed_at IS NULL THEN 'IN_PROGRESS' ELSE 'DONE' END, r.due_date, '', %(user)s, r.created_at, ''
FROM workflows_direction r JOIN documents_incomingdocument d ON d.id = r.incoming_id
JOIN bench_units u ON u.agency_id = d.agency_id;
INSERT INTO documents_outgoingdocument (
  agency_id, state, channel, drafter_id, drafting_unit_id, document_type_id, subject, summary, priority,
  confidentiality, signing_capacity, signer_title, to_places, is_internal, copy_count, code_number, code_notation,
  issued_date, issued_at, signed_on_paper, has_valid_personal_signature, has_valid_org_signature, recall_reason,
  review_round, note, cancel_reason, created_at, updated_at)
SELECT a.id, CASE WHEN g %% 400 = 0 THEN 'RECALLED' ELSE 'ISSUED' END,
  CASE WHEN g %% 40 = 0 THEN 'PAPER' ELSE 'ELECTRONIC' END, %(user)s, u.ids[1 + g %% 3], %(type)s,
  'Văn bản đi số ' || g, '', 0, CASE WHEN g %% 1009 = 0 THEN 1 ELSE 0 END, '', 'Giám đốc', '', false, 1,
  (g %% 999 + 1)::text, 'QĐ-UBND', t.at::date, t.at, g %% 97 = 0, g %% 97 <> 0, g %% 150 <> 0, '', 1, '', '',
  t.at, t.at
FROM generate_series(1, %(outgoing)s) g
JOIN bench_agencies a ON a.n = 1 + (g::bigint * 104729) %% (SELECT count(*) FROM bench_agencies)
JOIN bench_units u ON u.agency_id = a.id
CROSS JOIN LATERAL (SELECT make_timestamptz(%(year)s, 1, 1, 9, 0, 0, 'Asia/Ho_Chi_Minh')
                    + ((g %% 365) || ' days')::interval + ((g %% 8) || ' hours')::interval AS at) t;
INSERT INTO documents_outgoingdelivery (document_id, kind, agency_id, external_organ_id, external_name,
  status_code, status_description, recall_state, transport_state, sent_at, created_at)
SELECT o.id, 'AGENCY', (SELECT id FROM bench_agencies WHERE n = 1 + (o.id * 31 + k) %% (SELECT count(*)
  FROM bench_agencies)), '', '', '03', '', '', '', o.issued_at, o.issued_at
FROM documents_outgoingdocument o CROSS JOIN generate_series(1, 3) k
WHERE o.channel = 'ELECTRONIC' AND k <= 1 + o.id %% 3 AND o.confidentiality = 0
ON CONFLICT DO NOTHING;
ANALYZE;
"""


def _seed(args: argparse.Namespace, root: Any, viewer: Any) -> None:
    from django.db import connection

    from vanthu.documents.models import DocumentType

    incoming = int(args.docs * 0.6)
    params = {"type": DocumentType.objects.get(code="CONG_VAN").pk, "user": viewer.pk, "incoming": incoming,
              "outgoing": args.docs - incoming, "year": YEAR}
    sql = SEED_SQL.replace("%(type)s", str(params["type"])).replace("%(user)s", str(params["user"]))
    sql = sql.replace("%(incoming)s", str(params["incoming"])).replace("%(outgoing)s", str(params["outgoing"]))
    sql = sql.replace("%(year)s", str(YEAR)).replace("%%", "%")
    with connection.cursor() as cursor:
        for statement in (s.strip() for s in sql.split(";\n")):
            if statement:
                cursor.execute(statement)


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from vanthu.documents.models import IncomingDocument
    from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument
    from vanthu.reports.models import MonthlyStat
    from vanthu.reports.rollup import stats_rebuild

    print(f"PostgreSQL, {args.agencies} agencies, {args.docs} documents in {YEAR}, {args.runs} runs", flush=True)
    if args.reuse:
        from vanthu.organizations.models import Agency, User

        root, viewer = Agency.objects.get(parent__isnull=True), User.objects.get(username="thongke.tinh")
    else:
        with timed("migrate"):
            call_command("migrate", verbosity=0)
        with timed("agencies and units"):
            root, viewer = _agencies(args.agencies)
        with timed("documents (generate_series)"):
            _seed(args, root, viewer)
    print(f"  incoming {IncomingDocument.objects.count()}, outgoing {OutgoingDocument.objects.count()}, "
          f"deliveries {OutgoingDelivery.objects.count()}", flush=True)
    if not args.reuse:
        started = time.perf_counter()
        stats_rebuild(first=(YEAR, 1), last=(YEAR, 12))
        rebuild = time.perf_counter() - started
        print(f"  stats_rebuild, 12 months: {rebuild:.1f} s ({MonthlyStat.objects.count()} rows)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_monthlystat")

    client = Client()
    client.force_login(viewer)
    month = 11
    query = f"ky=thang&nam={YEAR}&thang={month}"
    dashboard = f"/thong-ke/?{query}"
    report = f"/thong-ke/bao-cao/PROVINCE_MONTHLY/{root.pk}/?{query}"

    def get(url: str) -> Callable[[], None]:
        def run() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return run

    def bare() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM reports_monthlystat WHERE year = %s AND month = %s AND unit_id IS NULL",
                           [YEAR, month])
            cursor.fetchall()

    rows = [("bare rollup query (baseline)", *measure(bare, args.runs)),
            ("dashboard /thong-ke/", *measure(get(dashboard), args.runs)),
            ("province monthly report (screen)", *measure(get(report), args.runs)),
            ("province monthly report (XLSX)", *measure(get(report + "&format=xlsx"), max(args.runs // 3, 5))),
            ("province monthly report (PDF)", *measure(get(report + "&format=pdf"), max(args.runs // 3, 5)))]
    from django.db.models import Count

    from vanthu.reports.rollup import stat_store

    busiest = (IncomingDocument.objects.values("agency_id").annotate(n=Count("pk")).order_by("-n").first() or {})
    rows.append((f"recompute one agency-month (busiest agency, {busiest.get('n', 0) // 12:,} incoming/month)",
                 *measure(lambda: stat_store(agency_ids=[busiest["agency_id"]], year=YEAR, month=month),
                           max(args.runs // 4, 5))))
    base = rows[0][2]
    print(f"\n| case ({args.agencies} agencies, {args.docs:,} documents/year) | p50 ms | p95 ms | × baseline p95 |")
    print("|---|---|---|---|")
    for label, p50, p95 in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {p95 / base:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=650)
    parser.add_argument("--docs", type=int, default=2_500_000)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply --docs (not --agencies): the exports keep their size, the seed shrinks")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database (name in BENCH_REPORTS_DB)")
    parser.add_argument("--reuse", action="store_true", help="measure again on the kept BENCH_REPORTS_DB")
    args = parser.parse_args()
    args.docs = max(int(args.docs * args.scale), 1)
    tmp = Path(tempfile.mkdtemp(prefix="vanthu-bench-reports-"))
    drop = _setup(tmp, reuse=args.reuse)
    try:
        _run(args)
    finally:
        if args.keep or args.reuse:
            print(f"kept database {DB}")
        else:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

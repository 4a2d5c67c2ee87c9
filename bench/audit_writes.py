"""Benchmark: audited writes under concurrency on PostgreSQL — what the audit chain's head row costs.

``--threads`` writer threads (16), each with its own database connection, do ``--writes`` writes per round, each
write its own transaction:

- **audited** — ``audit_record()`` for an agency (the chain: lock the chain's head row, insert the hash-linked event,
  move the head), as every service does inside its own transaction;
- **baseline** — the same event row (same columns, a SHA-256 computed the same way) inserted through the ORM into a
  plain copy of the table (``CREATE TABLE … (LIKE core_auditevent INCLUDING ALL)``), no head and no chain.

Rounds alternate baseline/audited (ABAB…) after one unmeasured warm-up pair, so a change in machine load hits both
sides alike; each round prints writes/s and each pair the ratio audited/baseline. Writer ``i`` writes for agency
``i % --agencies``: 16 agencies model a province where the writers are clerks of different agencies, 1 the worst case
(everybody in one agency). A throwaway database ``vanthu_bench_audit_<pid>`` is created, migrated and dropped.

    .venv/bin/python bench/audit_writes.py                         # 16 threads, 16 agencies, 6 pairs of rounds
    .venv/bin/python bench/audit_writes.py --agencies 1 --rounds 4
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB = f"vanthu_bench_audit_{os.getpid()}"
PLAIN_TABLE = "bench_plain_auditevent"


@contextmanager
def throwaway_database() -> Iterator[None]:
    """Create ``DB``, point Django at it, migrate; drop it afterwards whatever happens."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB}"')
    try:
        os.environ.update(VANTHU_VAR_DIR=tempfile.mkdtemp(prefix="vanthu-bench-audit-"),
                          DJANGO_SETTINGS_MODULE="vanthu.config.settings_test",
                          DATABASE_URL=PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB}")
        import django

        django.setup()
        import logging

        logging.disable(logging.WARNING)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def _agencies(count: int) -> list[Any]:
    from vanthu.organizations.models import Agency, AgencyLevel

    level = AgencyLevel.objects.get(code="DEPARTMENT")
    return [Agency.objects.create(name=f"Sở số {i}", abbreviation="S", organ_id=f"{i:03d}.00.00.H98", level=level)
            for i in range(1, count + 1)]


def _plain_model() -> Any:
    """An unmanaged model over the plain copy of the audit table (its columns cloned from ``AuditEvent``, foreign
    keys as plain integers), so the baseline pays the same ORM costs."""
    from django.db import connection, models

    from vanthu.core.models import AuditEvent

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {PLAIN_TABLE} (LIKE core_auditevent INCLUDING ALL)")
    meta = type("Meta", (), {"app_label": "core", "db_table": PLAIN_TABLE, "managed": False})
    attrs: dict[str, Any] = {"__module__": __name__, "Meta": meta, "__str__": lambda self: str(self.hash)}
    for field in AuditEvent._meta.concrete_fields:
        if not field.primary_key:
            attrs[field.attname] = models.BigIntegerField(null=True) if field.is_relation else field.clone()
    return type("PlainEvent", (models.Model,), attrs)


def _writers(plain: Any) -> dict[str, Callable[[Any, int, int], None]]:
    from django.db import transaction
    from django.utils import timezone

    from vanthu.core.audit import audit_record

    def audited(agency: Any, worker: int, n: int) -> None:
        with transaction.atomic():
            audit_record(actor=None, event_type="bench.write", target=("bench.item", f"{worker}-{n}"),
                         agency=agency, data={"worker": worker, "n": n, "note": "ghi thử tải nhật ký"})

    def baseline(agency: Any, worker: int, n: int) -> None:
        data = {"worker": worker, "n": n, "note": "ghi thử tải nhật ký"}
        with transaction.atomic():
            row = plain(created_at=timezone.now(), agency_id=agency.pk, event_type="bench.write",
                        target_type="bench.item", target_id=f"{worker}-{n}", data=data, prev_hash="0" * 64)
            content = json.dumps({"created_at": row.created_at.isoformat(), "data": data, "n": n, "w": worker},
                                 sort_keys=True, ensure_ascii=False).encode()
            row.hash = hashlib.sha256(row.prev_hash.encode() + b"\n" + content).hexdigest()
            row.save()

    return {"baseline": baseline, "audited": audited}


def run_round(write: Callable[[Any, int, int], None], agencies: list[Any], threads: int, writes: int,
              offset: int) -> float:
    """All threads write ``writes`` rows each, released together; returns writes per second over the round."""
    from django.db import connection

    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            agency = agencies[i % len(agencies)]
            barrier.wait()
            for n in range(writes):
                write(agency, i, offset + n)
        except BaseException as exc:  # reported after the round
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return threads * writes / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--writes", type=int, default=150, help="writes per thread per round")
    parser.add_argument("--rounds", type=int, default=6, help="measured pairs of rounds (baseline, audited)")
    parser.add_argument("--agencies", type=int, default=16, help="writer i writes for agency i %% agencies")
    args = parser.parse_args()
    with throwaway_database():
        agencies = _agencies(args.agencies)
        writers = _writers(_plain_model())
        print(f"{args.threads} threads × {args.writes} writes per round, {args.agencies} agencies, database {DB}")
        offset = 0
        ratios = []
        for pair in range(args.rounds + 1):
            rates = {}
            for kind in ("baseline", "audited"):
                rates[kind] = run_round(writers[kind], agencies, args.threads, args.writes, offset)
                offset += args.writes
            ratio = rates["audited"] / rates["baseline"]
            label = "warm-up" if pair == 0 else f"round {pair}"
            print(f"  {label:>8}: baseline {rates['baseline']:7.0f} writes/s   audited {rates['audited']:7.0f} "
                  f"writes/s   ratio {ratio:.2f}", flush=True)
            if pair:
                ratios.append(ratio)
        print(f"median ratio audited/baseline: {statistics.median(ratios):.2f} "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f})")
        _check_chain()


def _check_chain() -> None:
    """The chain the audited rounds built must verify: a fast chain that is broken would prove nothing."""
    from vanthu.core.audit import audit_verify

    problems = list(audit_verify())
    print("audit chain verified: " + ("intact" if not problems else f"{len(problems)} problems, first: {problems[0]}"))


if __name__ == "__main__":
    main()

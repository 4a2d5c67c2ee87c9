"""Benchmark: the clerk's incoming list and diacritic-insensitive search over a large agency.

Seeds N incoming documents (bulk_create, Vietnamese subjects from word lists, one extracted-text file each)
into a throwaway database, then times the real ``/van-ban-den/`` view through Django's test client — first
page (25 rows) and searches — against the bare SQL the ORM emitted for those requests, replayed with a
cursor in the same run. Not part of the test suite.

    python bench/incoming_list_search.py --db sqlite --docs 100000
    python bench/incoming_list_search.py --db postgres --docs 100000   # creates and drops vanthu_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
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

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "vanthu_bench")

ACTIONS = ["Triển khai", "Phê duyệt", "Tăng cường", "Hướng dẫn thực hiện", "Báo cáo kết quả", "Tổ chức",
           "Kiểm tra", "Rà soát", "Đôn đốc thực hiện", "Góp ý dự thảo", "Giao chỉ tiêu", "Điều chỉnh",
           "Sơ kết", "Tổng kết", "Đẩy mạnh", "Thành lập đoàn kiểm tra"]
OBJECTS = ["kế hoạch chuyển đổi số", "dự toán ngân sách nhà nước", "công tác phòng chống lụt bão",
           "chương trình xây dựng nông thôn mới", "công tác cải cách hành chính", "đề án đô thị thông minh",
           "công tác tuyển dụng viên chức", "quy hoạch sử dụng đất", "công tác giải phóng mặt bằng",
           "chiến dịch tiêm chủng mở rộng", "công tác phòng cháy chữa cháy", "bảo hiểm xã hội tự nguyện",
           "kế hoạch đầu tư công trung hạn", "bảo đảm an toàn thông tin mạng", "hỗ trợ hộ nghèo, hộ cận nghèo",
           "quản lý trật tự xây dựng", "thu ngân sách trên địa bàn", "chăm sóc sức khỏe người cao tuổi",
           "phòng, chống dịch bệnh trên gia súc", "đánh giá, xếp loại công chức"]
SCOPES = ["trên địa bàn tỉnh", "tại các xã, phường, thị trấn", "của các sở, ban, ngành", "giai đoạn 2026-2030",
          "quý IV năm 2026", "6 tháng đầu năm", "năm 2027", ""]
ORGANS = ["Ủy ban nhân dân tỉnh", "Sở Tài chính", "Sở Nội vụ", "Sở Kế hoạch và Đầu tư", "Sở Y tế",
          "Sở Tài nguyên và Môi trường", "Sở Xây dựng", "Sở Thông tin và Truyền thông", "Bộ Tài chính",
          "Văn phòng Chính phủ", "Ủy ban nhân dân huyện Đông Sơn", "Công an tỉnh", "Bảo hiểm xã hội tỉnh"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Quốc"]
GIVEN = ["Hùng", "Lan", "Dũng", "Hương", "Tuấn", "Mai", "Đông", "Quang", "Thảo", "Bình"]
NOTATIONS = ["QĐ-UBND", "UBND-VP", "TB-UBND", "KH-UBND", "BC-STC", "TTr-SNV", "HD-SYT", "CV-STNMT"]
BODY = ["Căn cứ Luật Tổ chức chính quyền địa phương", "xét đề nghị của Giám đốc Sở", "các đơn vị khẩn trương",
        "báo cáo kết quả thực hiện trước ngày", "giao Sở Tài chính chủ trì, phối hợp", "tổng hợp, tham mưu",
        "Ủy ban nhân dân các huyện, thị xã, thành phố", "chịu trách nhiệm thi hành Quyết định này",
        "kinh phí thực hiện từ nguồn ngân sách", "trong quá trình thực hiện nếu có vướng mắc"]
STATES = [("COMPLETED", 70), ("IN_PROGRESS", 8), ("ASSIGNED", 6), ("PRESENTED", 4), ("REGISTERED", 6),
          ("ARRIVED", 5), ("RETURNED", 1)]
SEARCHES = [("selective", "phong chong lut bao"), ("typed with marks", "Quyết định phê duyệt"),
            ("prefix while typing", "chuyen do"), ("broad (every document)", "ubnd")]


def _setup_database(engine: str, tmp: Path) -> Callable[[], None]:
    """Point Django at a throwaway database before it is imported; return the clean-up."""
    os.environ["VANTHU_VAR_DIR"] = str(tmp / "var")
    os.environ["VANTHU_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.config.settings_test"
    if engine == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        return lambda: None
    import psycopg

    admin = os.environ.get("BENCH_PG_ADMIN_URL", PG_ADMIN_URL)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    os.environ["DATABASE_URL"] = admin.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")

    return drop


@contextmanager
def _timed(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)


def _seed(docs: int, body_words: int, rng: random.Random) -> Any:
    from django.utils import timezone
    from tests.builders import make_agency_kit

    from vanthu.core.blobs import blob_store
    from vanthu.documents.models import DocumentFile, DocumentType, IncomingDocument
    from vanthu.documents.numbering import register_default

    kit = make_agency_kit(1)
    register = register_default(agency=kit.agency, kind="INCOMING")
    types = list(DocumentType.objects.all())
    blob = blob_store(content=b"%PDF-1.4 bench placeholder", content_type="application/pdf")
    states = [s for s, _w in STATES]
    weights = [w for _s, w in STATES]
    now = timezone.now()
    start = now - dt.timedelta(days=3 * 365)
    step = (now - start) / docs
    numbers: dict[int, int] = {}
    batch: list[IncomingDocument] = []

    def flush() -> None:
        created = IncomingDocument.objects.bulk_create(batch)
        DocumentFile.objects.bulk_create(
            DocumentFile(incoming=d, role="MAIN", blob=blob, filename="vanban.pdf", content_type="application/pdf",
                         text=". ".join(rng.choice(BODY) for _ in range(max(1, body_words // 6))))
            for d in created
        )
        batch.clear()

    for i in range(docs):
        arrived = start + step * i
        state = rng.choices(states, weights)[0]
        kind = rng.choice(types)
        registered = state not in ("ARRIVED", "RETURNED")
        year = timezone.localtime(arrived).year
        if registered:
            numbers[year] = numbers.get(year, 0) + 1
        subject = " ".join(filter(None, [rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(SCOPES)]))
        batch.append(IncomingDocument(
            agency=kit.agency, state=state, channel=rng.choice(["PAPER", "ELECTRONIC"]), arrived_at=arrived,
            register=register if registered else None, arrival_year=year if registered else None,
            arrival_number=numbers[year] if registered else None, arrival_date=arrived if registered else None,
            document_type=kind, code_number=str(rng.randint(1, 3000)), code_notation=rng.choice(NOTATIONS),
            issued_date=(arrived - dt.timedelta(days=rng.randint(0, 5))).date(), organ_name=rng.choice(ORGANS),
            subject=f"{kind.name} {subject}"[:500],
            signer_full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}",
            signer_position=rng.choice(["Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc"]),
            due_date=(arrived + dt.timedelta(days=rng.randint(5, 30))).date() if rng.random() < 0.4 else None,
            created_by=kit.clerk.user,
        ))
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    return kit


def _document_sql(fn: Callable[[], object]) -> list[str]:
    """The SQL the ORM emitted for the incoming documents during one call, exactly as sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return [q["sql"] for q in captured.captured_queries if "documents_incomingdocument" in q["sql"]]


def _bare(statements: list[str]) -> Callable[[], None]:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--body-words", type=int, default=120, help="words of extracted file text per document")
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (for EXPLAIN)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vanthu-bench-"))
    cleanup = _setup_database(args.db, tmp)
    try:
        _run(args)
    finally:
        if args.keep:
            print(f"kept: {os.environ['DATABASE_URL']}")
        else:
            cleanup()
            shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from vanthu.search.index import search_reindex_all

    print(f"engine={connection.vendor} docs={args.docs} runs={args.runs}", flush=True)
    with _timed("migrate"):
        call_command("migrate", verbosity=0)
    with _timed(f"seed {args.docs} documents + files (bulk_create)"):
        kit = _seed(args.docs, args.body_words, random.Random(args.seed))
    with _timed("search_reindex_all"):
        indexed = search_reindex_all(batch_size=2000)
    assert indexed == args.docs, indexed
    with _timed("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    client.force_login(kit.clerk.user)
    cases: list[tuple[str, str]] = [("list, first page", "/van-ban-den/")]
    cases += [(f"search: {label} “{q}”", f"/van-ban-den/?q={q}") for label, q in SEARCHES]
    rows = []
    for label, url in cases:
        def request(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        statements = _document_sql(request)
        view_p50, view_p95 = measure(request, args.runs)
        sql_p50, sql_p95 = measure(_bare(statements), args.runs)
        rows.append((label, len(statements), view_p50, view_p95, sql_p50, sql_p95))

    print()
    print(f"| case ({connection.vendor}, {args.docs} docs) | doc queries | view p50 ms | view p95 ms "
          f"| bare SQL p50 ms | bare SQL p95 ms | ratio p95 |")
    print("|---|---|---|---|---|---|---|")
    for label, n, vp50, vp95, sp50, sp95 in rows:
        print(f"| {label} | {n} | {vp50:.1f} | {vp95:.1f} | {sp50:.1f} | {sp95:.1f} | {vp95 / sp95:.2f} |")


if __name__ == "__main__":
    main()

"""Benchmark: the exchange hub's throughput and the end-to-end latency of the exchange, on PostgreSQL.

1. **Hub throughput** — ``vanthu hub serve`` (uvicorn, ``--workers``) on a throwaway PostgreSQL database takes
   ``--packages`` edXML document packages of ``--size`` KB each (one PDF-like attachment, each package distinct so
   the hub's duplicate check does not short-cut it) from ``--clients`` client processes with kept-alive
   connections (``HubClient.send``: HMAC-signed headers, hash-file, validation, store-and-forward with one delivery
   row per recipient). The baseline, measured in the same run with the same clients, worker count and database:
   a bare ASGI app that reads the POSTed body and INSERTs it into one table (``bare POST+insert``).
2. **End-to-end latency** — two deployments A and B (PostgreSQL each, web + worker processes, hub poll
   ``--poll`` seconds): a document sealed in A is issued to B's agency; the time from ``outgoing_issue`` in A to
   the copy waiting for acceptance in B (A's ``issued_at`` → B's ``arrived_at``, same machine clock), p50/p99 over
   ``--documents`` documents.

    .venv/bin/python bench/exchange.py                     # 3000 packages, 8 clients, 2 hub workers, 20 documents
    .venv/bin/python bench/exchange.py --packages 5000 --workers 2 --clients 12 --skip-e2e
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SENDER, RECEIVER = "000.00.01.H98", "000.00.02.H98"
SECRETS = {"bench-a": secrets.token_hex(16), "bench-b": secrets.token_hex(16)}  # throwaway hub systems


def _django() -> None:
    os.environ.setdefault("VANTHU_VAR_DIR", tempfile.mkdtemp(prefix="vanthu-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings_test")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)


def _packages(count: int, size_kb: int) -> list[bytes]:
    from vanthu import edxml

    blob = secrets.token_bytes(size_kb * 1024)  # incompressible: the zipped attachment stays ~size_kb
    out = []
    for i in range(count):
        header = edxml.MessageHeader(
            from_=edxml.Organization(organ_id=SENDER, organ_name="Sở Thử nghiệm gửi"),
            to=(edxml.Organization(organ_id=RECEIVER, organ_name="Sở Thử nghiệm nhận"),),
            document_id=f"{SENDER},2026/12/06,{i + 1:02d}/TB-STN", code=edxml.Code(f"{i + 1:02d}", "TB-STN"),
            promulgation_info=edxml.PromulgationInfo(place="Hà Nội"),
            document_type=edxml.DocumentTypeInfo(type=7, type_detail=0, type_name="Thông báo"),
            subject=f"Về việc thử tải trục liên thông, văn bản số {i + 1}",
        )
        out.append(edxml.document_package_build(edxml.DocumentPackage(header=header, attachments=(
            edxml.Attachment(name=f"van-ban-{i + 1}.pdf", content_type="application/pdf", data=blob),))))
    return out


# --- load generation ------------------------------------------------------------------------------------------

def _send_share(args: tuple[str, int, str, str, list[bytes], str]) -> tuple[int, float, list[float]]:
    kind, port, system_id, secret, bodies, path = args
    latencies = []
    start = time.perf_counter()
    if kind == "hub":
        from vanthu.hubapi.client import HubClient

        client = HubClient(endpoint=f"http://127.0.0.1:{port}", system_id=system_id, secret=secret, timeout=60)
        for body in bodies:
            t0 = time.perf_counter()
            client.send(package=body, from_organ_id=SENDER, message_type="edoc", to=[RECEIVER])
            latencies.append(time.perf_counter() - t0)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body in bodies:
            t0 = time.perf_counter()
            connection.request("POST", path, body=body, headers={"Content-Type": "application/octet-stream"})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            latencies.append(time.perf_counter() - t0)
    return len(bodies), time.perf_counter() - start, latencies


def _load(kind: str, port: int, bodies: list[bytes], clients: int, *, system_id: str = "", secret: str = "",
          path: str = "/") -> dict[str, float]:
    shares = [bodies[i::clients] for i in range(clients)]
    with mp.get_context("spawn").Pool(clients) as pool:
        pool.map(_send_share, [(kind, port, system_id, secret, shares[i][:2], path) for i in range(clients)])
        t0 = time.perf_counter()
        results = pool.map(_send_share, [(kind, port, system_id, secret, s[2:], path) for s in shares])
        wall = time.perf_counter() - t0
    sent = sum(r[0] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    return {"sent": sent, "wall_s": wall, "per_s": sent / wall,
            "p50_ms": 1000 * statistics.median(latencies), "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))]}


# --- servers ----------------------------------------------------------------------------------------------------

BASELINE_APP = '''
import os, psycopg
_conn = None
def _db():
    global _conn
    if _conn is None:
        _conn = psycopg.connect(os.environ["BENCH_DB"], autocommit=True)
    return _conn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    _db().execute("INSERT INTO bench_baseline (body) VALUES (%s)", [b"".join(chunks)])
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"status":"OK","ErrorCode":"0"}'})
'''


def _wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited"
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(port)


def _psql(sql: str, db: str = "postgres") -> None:
    base = PG_SERVER.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{base}/{db}", "-qc", sql], check=True, capture_output=True)


def _throughput(args: argparse.Namespace, base: Path) -> None:
    from tests.exchange.harness import free_port

    hub_db = f"vanthu_bench_hub_{os.getpid()}"
    bare_db = f"vanthu_bench_bare_{os.getpid()}"
    server = PG_SERVER.rsplit("/", 1)[0]
    for db in (hub_db, bare_db):
        _psql(f'CREATE DATABASE "{db}"')
    procs: list[subprocess.Popen[bytes]] = []
    try:
        env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}", "VANTHU_VAR_DIR": str(base / "hub"),
               "VANTHU_HUB_DATABASE_URL": f"{server}/{hub_db}", "VANTHU_HUB_SECRET_KEY": "bench"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        vanthu = [sys.executable, "-m", "vanthu.cli", "hub"]
        subprocess.run([*vanthu, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([*vanthu, "system", "add", "--system-id", "bench-a", "--secret", SECRETS["bench-a"],
                        "--agency", SENDER], env=env, check=True, capture_output=True)
        subprocess.run([*vanthu, "system", "add", "--system-id", "bench-b", "--secret", SECRETS["bench-b"],
                        "--agency", RECEIVER], env=env, check=True, capture_output=True)
        print(f"building {args.packages + 2 * args.clients} packages of {args.size} KB …", flush=True)
        bodies = _packages(args.packages + 2 * args.clients, args.size)
        print(f"package size: {len(bodies[0]) / 1024:.0f} KB on the wire", flush=True)

        _psql("CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, body bytea NOT NULL, "
              "created_at timestamptz NOT NULL DEFAULT now())", bare_db)
        (base / "baseline_app.py").write_text(BASELINE_APP)
        port = free_port()
        bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "baseline_app:app", "--port", str(port),
                                 "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
                                cwd=base, env={**env, "BENCH_DB": f"{server}/{bare_db}"})
        procs.append(bare)
        _wait_port(port, bare)
        baseline = _load("bare", port, bodies, args.clients)
        bare.terminate()
        bare.wait(timeout=20)

        port = free_port()
        hub = subprocess.Popen([*vanthu, "serve", "--port", str(port), "--workers", str(args.workers)], env=env)
        procs.append(hub)
        _wait_port(port, hub)
        measured = _load("hub", port, bodies, args.clients, system_id="bench-a",
                         secret=SECRETS["bench-a"])
        from vanthu.hubapi.client import HubClient

        queued = HubClient(endpoint=f"http://127.0.0.1:{port}", system_id="bench-b",
                           secret=SECRETS["bench-b"]).count_received("edoc")
        print(f"\nHub throughput, PostgreSQL, {args.workers} hub workers, {args.clients} clients, "
              f"{measured['sent']} packages of {len(bodies[0]) / 1024:.0f} KB (recipient queue: {queued})")
        print("| path | packages/s | p50 ms | p99 ms | × baseline |")
        print("|---|---|---|---|---|")
        for label, row in (("bare POST+insert (baseline)", baseline), ("vanthu hub sendEdoc", measured)):
            print(f"| {label} | {row['per_s']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
                  f"| {row['per_s'] / baseline['per_s']:.2f} |")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
        for db in (hub_db, bare_db):
            _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _e2e(args: argparse.Namespace, base: Path) -> None:
    from tests.exchange.harness import Databases, Deployment, Hub
    from tests.signing.signing_helpers import PASSPHRASE

    from vanthu.signing.pki.testing import start_test_pki

    os.environ["DATABASE_URL"] = PG_SERVER
    pki = start_test_pki(base / "pki")
    databases = Databases(base)
    hub = Hub(base, databases.url("hub")).migrate()
    sides = {name: Deployment(name, base, databases.url(name), hub.url, f"bench-{name}", secrets.token_hex(16),
                              extra_env={"VANTHU_HUB_POLL_SECONDS": str(args.poll)}) for name in ("a", "b")}
    try:
        p12 = {}
        for label in ("person-rsa", "person-ec", "agency-rsa"):
            path = base / f"{label}.p12"
            path.write_bytes(pki.identity(label).pkcs12(PASSPHRASE))
            p12[label] = str(path)
        spec = {"tsa_url": pki.tsa_url, "root_pem_path": str(pki.root_pem_path), "p12": p12}
        info = {}
        for suffix, (name, side) in enumerate(sides.items(), start=81):
            side.migrate()
            info[name] = side.driver.call("setup", code_suffix=suffix, pki=spec)
            hub.system_add(side.system_id, side.secret, [info[name]["organ_id"]])
        hub.start()
        for side in sides.values():
            side.start_worker()
        print(f"\nsealing {args.documents} documents in A …", flush=True)
        prepared = sides["a"].driver.call("prepare_sealed", count=args.documents)
        target = [[info["b"]["organ_id"], info["b"]["name"]]]
        for document_id in prepared:
            sides["a"].driver.call("issue_prepared", document_id=document_id, to=target)
            time.sleep(args.gap)
        deadline = time.monotonic() + 120
        arrivals: list[dict[str, Any]] = []
        while time.monotonic() < deadline and len(arrivals) < len(prepared):
            arrivals = sides["b"].driver.call("arrivals")
            time.sleep(0.2)
        issued = {row["subject"]: row["issued_at"] for row in sides["a"].driver.call("issued")}
        latencies = sorted(float(row["arrived_at"]) - float(issued[row["subject"]])
                           for row in arrivals if row["subject"] in issued)
        print(f"End to end, issue in A → waiting for acceptance in B, hub poll {args.poll} s, "
              f"{len(latencies)} of {len(prepared)} documents arrived")
        print("| p50 s | p99 s | max s |")
        print("|---|---|---|")
        print(f"| {statistics.median(latencies):.2f} | {latencies[int(0.99 * (len(latencies) - 1))]:.2f} "
              f"| {latencies[-1]:.2f} |")
    finally:
        for side in sides.values():
            side.stop()
        hub.stop()
        databases.drop()
        pki.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", type=int, default=3000)
    parser.add_argument("--size", type=int, default=100, help="attachment size in KB")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--poll", type=float, default=0.5, help="hub poll interval of the deployments (s)")
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between two issues in A")
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    _django()
    print(f"CPUs: {os.cpu_count()}, load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="vanthu-bench-exchange-") as directory:
        if not args.skip_throughput:
            _throughput(args, Path(directory))
        if not args.skip_e2e:
            _e2e(args, Path(directory))
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

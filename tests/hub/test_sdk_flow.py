"""The official SDK's whole flow against a real ``vanthu hub serve`` (two workers, on loopback), through the stand-in
of tests/hub/sdk_client.py: a JVM in UTC, the hub reading client clocks in UTC with a five-minute skew limit.

The hub's database is SQLite, or PostgreSQL when the suite runs on it (``DATABASE_URL``; a throwaway database).
Each test keeps one SDK service object per system for all its calls, as the SDK's examples do, so stale inputs
ride along on later calls.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest

from tests.exchange.harness import Databases, free_port, wait_for
from tests.hub import packages
from tests.hub.conftest import A1, B1, C1
from tests.hub.sdk_client import AgencyService, KnobstickService, LoopbackTransport, SdkResult
from tests.processes import spawn, stop

SRC = Path(__file__).resolve().parents[2] / "src"
UTC = ZoneInfo("UTC")
T = TypeVar("T")


@dataclass
class SdkHub:
    port: int

    def knobstick(self, system_id: str) -> KnobstickService:
        return KnobstickService(system_id=system_id, secret=f"secret-of-{system_id}", zone=UTC,
                                transport=LoopbackTransport("127.0.0.1", self.port))

    def agency(self, system_id: str) -> AgencyService:
        return AgencyService(system_id=system_id, secret=f"secret-of-{system_id}", zone=UTC,
                             transport=LoopbackTransport("127.0.0.1", self.port))


def _vanthu(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run([sys.executable, "-m", "vanthu.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                       check=True, timeout=120)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SdkHub]:
    base = tmp_path_factory.mktemp("sdkhub")
    log = base / "hub.log"
    databases = Databases(base)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("VANTHU_") and key != "DJANGO_SETTINGS_MODULE"}
    env.update(PYTHONPATH=str(SRC), VANTHU_VAR_DIR=str(base), VANTHU_HUB_DATABASE_URL=databases.url("sdkhub"),
               VANTHU_HUB_CLIENT_TIMEZONE="UTC", VANTHU_HUB_MAX_CLOCK_SKEW="300")
    process: subprocess.Popen[bytes] | None = None
    try:
        _vanthu(["hub", "-v", "0", "migrate"], env, log)
        for system_id, code in (("SYS-A", A1), ("SYS-B", B1), ("SYS-C", C1)):
            _vanthu(["hub", "system", "add", "--system-id", system_id, "--secret", f"secret-of-{system_id}",
                     "--agency", code], env, log)
        port = free_port()
        with log.open("ab") as out:
            process = spawn([sys.executable, "-m", "vanthu.cli", "hub", "serve", "--port", str(port),
                             "--workers", "2"], env=env, stdout=out, stderr=subprocess.STDOUT)
        running = SdkHub(port=port)
        probe = running.knobstick("SYS-A")

        def answers() -> bool:
            if process is not None and process.poll() is not None:
                raise AssertionError(f"hub exited:\n{log.read_text()}")
            try:
                return probe.count("countReceiveEdoc") is not None
            except OSError:
                return False

        wait_for(answers, timeout=60, what="the hub")
        yield running
    finally:
        stop(process)
        databases.drop()


def _ok(result: SdkResult | None) -> SdkResult:
    """The SDK handed back a result (not ``null``) and the hub said yes."""
    assert result is not None, "the SDK would have returned null"
    assert (result.status, result.error_code) in {("OK", "0"), ("SUCCESS", "0")}, result
    return result


def _timed(action: Callable[[], T]) -> tuple[T, Callable[[str], bool]]:
    """Run ``action``; also a check that a shown time (ISO 8601, +07:00, to the second) falls while it ran."""
    start = dt.datetime.now(dt.UTC)
    value = action()
    end = dt.datetime.now(dt.UTC)

    def during(shown: str) -> bool:
        moment = dt.datetime.fromisoformat(shown)
        assert moment.utcoffset() == dt.timedelta(hours=7), shown
        return start.replace(microsecond=0) <= moment <= end

    return value, during


def _send_inputs(from_code: str, message_type: str = "edoc") -> str:
    return f'{{"from":"{from_code}","servicetype":"eDoc","messagetype":"{message_type}"}}'


def test_directory_register_list_synchronize_delete(hub: SdkHub) -> None:
    sdk = hub.agency("SYS-C")
    code = "000.00.07.G09"
    data = (f'{{"id":"","pcode":"{C1}","code":"{code}","name":"Vụ Tổ chức - Biên chế","mail":"vtc@moha.gov.vn",'
            f'"mobile":"","fax":""}}')
    _, registered_during = _timed(lambda: _ok(sdk.register("{}", data)))
    agencies = {row["code"]: row for row in _ok(sdk.agencies()).items}
    assert agencies[code]["name"] == "Vụ Tổ chức - Biên chế" and agencies[code]["pid"] == agencies[C1]["id"]
    assert {A1, B1, C1} <= {row["code"] for row in _ok(sdk.agencies_qd20('{"level":"1"}')).items}
    synced = {row["code"]: row for row in _ok(sdk.synchronize()).items}
    assert (synced[code]["version"], synced[code]["deleted"], synced[code]["isAgency"]) == (1, False, True)
    assert synced[code]["centerCode"] == "SYS-C" and registered_during(synced[code]["modifyDate"])
    _ok(sdk.delete(f'{{"AgencyCode":"{code}"}}'))
    assert {row["code"]: row for row in _ok(sdk.synchronize()).items}[code]["deleted"] is True
    assert code not in {row["code"] for row in _ok(sdk.agencies()).items}


def test_document_send_list_get_download_acknowledge_and_sent_list(hub: SdkHub) -> None:
    sender, receiver = hub.knobstick("SYS-A"), hub.knobstick("SYS-B")
    package = packages.edoc(A1, [B1], size=50_000)
    sent, sent_during = _timed(lambda: _ok(sender.send(_send_inputs(A1), package)))
    doc_id = str(sent.doc_id)
    assert len(doc_id) == 32 and sent.error_desc == ""
    assert _ok(receiver.count("countReceiveEdoc")).count == 1
    [item] = _ok(receiver.received_list('{"servicetype":"eDoc","messagetype":"edoc"}')).items
    assert (item["docId"], item["from"], item["to"], item["status"]) == (doc_id, A1, B1, "pending")
    assert sent_during(item["created_time"]) and sent_during(item["updated_time"])
    assert _ok(receiver.get(f'{{"filePath":"xml","docId":"{doc_id}"}}')).data == package.decode("utf-8")
    assert _ok(receiver.download(f'{{"docId":"{doc_id}"}}')).file == package
    _, acked_during = _timed(lambda: _ok(receiver.update_status(f'{{"status":"done","docId":{doc_id}}}')))
    assert _ok(receiver.count("countReceiveEdoc")).count == 0
    assert _ok(receiver.received_list('{"servicetype":"eDoc","messagetype":"edoc"}')).items == []
    [row] = _ok(sender.sent_list(f'{{"servicetype":"eDoc","messagetype":"edoc","docId":"{doc_id}"}}')).items
    assert (row["senderDocId"], row["fromCode"], row["toCode"]) == (doc_id, A1, B1)
    assert (row["sendStatus"], row["receiveStatus"]) == ("delivered", "acked")
    assert sent_during(row["sentTime"]) and acked_during(row["receivedTime"])


def test_status_package_travels_back_to_the_sender(hub: SdkHub) -> None:
    reporter, original_sender = hub.knobstick("SYS-C"), hub.knobstick("SYS-A")
    doc_id = str(_ok(reporter.send(_send_inputs(C1, "status"), packages.status(C1, A1, code="03"))).doc_id)
    assert _ok(original_sender.count("countReceiveStatus")).count == 1
    [item] = _ok(original_sender.received_list('{"servicetype":"eDoc","messagetype":"status"}')).items
    assert (item["docId"], item["messageType"], item["from"]) == (doc_id, "status", C1)
    assert "<edXML:StatusCode>03</edXML:StatusCode>" in str(
        _ok(original_sender.get(f'{{"filePath":"xml","docId":"{doc_id}"}}')).data)
    _ok(original_sender.update_status(f'{{"status":"done","docid":{doc_id}}}'))
    assert _ok(original_sender.count("countReceiveStatus")).count == 0
    [row] = _ok(reporter.sent_list(f'{{"servicetype":"eDoc","messagetype":"status","docId":"{doc_id}"}}')).items
    assert row["receiveStatus"] == "acked"


def test_refused_send_reaches_the_caller_with_the_reason(hub: SdkHub) -> None:
    result = hub.knobstick("SYS-C").send(_send_inputs(A1), packages.edoc(A1, [B1]))
    assert result is not None, "the SDK would have returned null"
    assert (result.status, result.error_code, result.doc_id) == ("FAIL", "3", "")
    assert result.error_desc == f"Đơn vị {A1} không thuộc hệ thống gửi yêu cầu"


def test_racing_repeats_to_growing_recipients_reach_each_recipient_once(hub: SdkHub) -> None:
    package = packages.edoc(A1, [B1, C1])
    inputs = [f'{{"from":"{A1}","servicetype":"eDoc","messagetype":"edoc","to":{to}}}'
              for to in (f'["{B1}"]', f'["{B1}","{C1}"]') * 6]

    def send(json_headers: str) -> Any:
        return _ok(hub.knobstick("SYS-A").send(json_headers, package)).doc_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        doc_ids = set(pool.map(send, inputs))
    assert 1 <= len(doc_ids) <= 2
    for system_id in ("SYS-B", "SYS-C"):
        items = _ok(hub.knobstick(system_id).received_list('{"servicetype":"eDoc","messagetype":"edoc"}')).items
        assert len([item for item in items if item["docId"] in doc_ids]) == 1, system_id

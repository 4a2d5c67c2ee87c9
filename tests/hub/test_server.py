"""The hub as a real process (``vanthu hub serve`` on loopback, its own SQLite file) driven by ``HubClient``."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hub import packages
from tests.hub.conftest import A1, B1, C1
from tests.processes import spawn, stop
from vanthu.hubapi.auth import signed_headers
from vanthu.hubapi.client import HubClient, HubError, HubUnavailableError

SRC = Path(__file__).resolve().parents[2] / "src"
MIB = 1024 * 1024


@dataclass
class RunningHub:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, system_id: str, secret: str | None = None) -> HubClient:
        return HubClient(endpoint=self.url, system_id=system_id, secret=secret or f"secret-of-{system_id}")

    def peak_rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmHWM")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _vanthu(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run([sys.executable, "-m", "vanthu.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                       check=True, timeout=120)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    base = tmp_path_factory.mktemp("hub")
    log = base / "hub.log"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(PYTHONPATH=str(SRC), VANTHU_VAR_DIR=str(base), VANTHU_HUB_DATABASE_URL=f"sqlite:///{base}/hub.sqlite3")
    _vanthu(["hub", "-v", "0", "migrate"], env, log)
    for system_id, code in (("SYS-A", A1), ("SYS-B", B1), ("SYS-C", C1)):
        _vanthu(["hub", "system", "add", "--system-id", system_id, "--secret", f"secret-of-{system_id}",
                 "--agency", code], env, log)
    port = _free_port()
    with log.open("ab") as out:
        process = spawn([sys.executable, "-m", "vanthu.cli", "hub", "serve", "--port", str(port)],
                        env=env, stdout=out, stderr=subprocess.STDOUT)
    running = RunningHub(url=f"http://127.0.0.1:{port}", port=port, process=process, log=log)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"hub did not start:\n{log.read_text()}") from None
            time.sleep(0.05)
    try:
        yield running
    finally:
        stop(process)


def test_client_round_trip_through_a_real_hub(hub: RunningHub) -> None:
    sender, receiver = hub.client("SYS-A"), hub.client("SYS-B")
    package = packages.edoc(A1, [B1], size=100_000)
    doc_id = sender.send(package=package, from_organ_id=A1, message_type="edoc", to=[B1])
    assert sender.send(package=package, from_organ_id=A1, message_type="edoc", to=[B1]) == doc_id
    assert receiver.count_received("edoc") == 1
    [item] = receiver.received_list(message_type="edoc")
    assert (item.doc_id, item.from_code, item.to_codes, item.status) == (doc_id, A1, (B1,), "pending")
    assert receiver.get(doc_id) == package
    assert receiver.download(doc_id) == package
    [row] = sender.sent_list(message_type="edoc", doc_id=doc_id)
    assert (row.to_code, row.send_status, row.receive_status) == (B1, "delivered", "pending")
    receiver.ack(doc_id, "done")
    assert receiver.received_list(message_type="edoc") == []
    assert sender.sent_list(message_type="edoc", doc_id=doc_id)[0].receive_status == "acked"


def test_status_packages_travel_back_on_their_own_queue(hub: RunningHub) -> None:
    reporter, original_sender = hub.client("SYS-C"), hub.client("SYS-A")
    doc_id = reporter.send(package=packages.status(C1, A1, code="03"), from_organ_id=C1, message_type="status")
    assert [item.doc_id for item in original_sender.received_list(message_type="status")] == [doc_id]
    assert original_sender.count_received("status") == 1
    original_sender.ack(doc_id, "done")
    assert original_sender.count_received("status") == 0


def test_directory_through_the_client(hub: RunningHub) -> None:
    client = hub.client("SYS-C")
    client.agency_register(code="000.00.07.G09", name="Vụ Tổ chức - Biên chế", parent_code=C1, mail="vtc@moha")
    agencies = {agency.code: agency for agency in client.agencies()}
    assert agencies["000.00.07.G09"].pid == agencies[C1].id and agencies["000.00.07.G09"].name.startswith("Vụ")
    client.agency_delete("000.00.07.G09")
    synced = {agency.code: agency for agency in hub.client("SYS-A").synchronize_units()}
    assert synced["000.00.07.G09"].deleted and synced[C1].center_code == "SYS-C"
    assert {agency.code for agency in client.agencies_qd20("1")} >= {A1, B1, C1}


def test_refusals_carry_the_hub_error_code(hub: RunningHub) -> None:
    with pytest.raises(HubError) as wrong_secret:
        hub.client("SYS-A", secret="wrong").agencies()
    assert wrong_secret.value.error_code == "1" and not isinstance(wrong_secret.value, HubUnavailableError)
    with pytest.raises(HubError) as not_owned:
        hub.client("SYS-C").send(package=packages.edoc(A1, [B1]), from_organ_id=A1, message_type="edoc")
    assert not_owned.value.error_code == "3"
    with pytest.raises(HubError) as unknown:
        hub.client("SYS-B").get("0" * 32)
    assert unknown.value.error_code == "6"


def test_a_kept_alive_connection_serves_many_calls(hub: RunningHub) -> None:
    client = hub.client("SYS-B")
    for _ in range(20):
        client.count_received("edoc")
    connection = client._local.connection
    assert connection is not None and connection.sock is not None


def test_hub_that_is_not_running_is_unavailable() -> None:
    client = HubClient(endpoint=f"http://127.0.0.1:{_free_port()}", system_id="SYS-A", secret="x", timeout=2)
    with pytest.raises(HubUnavailableError) as caught:
        client.agencies()
    assert caught.value.extra["operation"] == "getAgenciesList"


def _stream(total: int, chunk: int = MIB) -> Iterator[bytes]:
    block = b"\0" * chunk
    for _ in range(total // chunk):
        yield block


def _post_huge(hub: RunningHub, *, declared: bool) -> tuple[int, bytes]:
    headers = dict(signed_headers(system_id="SYS-A", secret="secret-of-SYS-A", content_type="application/octet-stream",
                                  inputs={"from": A1, "servicetype": "eDoc", "messagetype": "edoc", "hash-file": "0"}))
    if declared:
        headers["Content-Length"] = str(200 * MIB)
    connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=60)
    try:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the answer may already be waiting
            connection.request("POST", "/sendEdoc", body=_stream(200 * MIB), headers=headers,
                               encode_chunked=not declared)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_200_mb_body_is_refused_with_error_7_without_holding_it_in_memory(hub: RunningHub, declared: bool) -> None:
    status, content = _post_huge(hub, declared=declared)
    assert status == 413 and b'"ErrorCode": "7"' in content
    # The hub keeps at most its 50 MiB limit of a body, never the 200 MB.
    assert hub.peak_rss_bytes() < 200 * MIB
    assert hub.client("SYS-B").count_received("edoc") >= 0  # still serving


def test_client_send_of_a_package_over_the_limit_gets_error_7(hub: RunningHub) -> None:
    with pytest.raises(HubError) as caught:
        hub.client("SYS-A").send(package=b"<" * (51 * MIB), from_organ_id=A1, message_type="edoc")
    assert caught.value.error_code == "7" and not isinstance(caught.value, HubUnavailableError)


def test_send_refused_before_its_body_is_read_still_has_an_empty_doc_id(hub: RunningHub) -> None:
    headers = dict(signed_headers(system_id="SYS-A", secret="secret-of-SYS-A", content_type="application/octet-stream",
                                  inputs={"from": A1, "servicetype": "eDoc", "messagetype": "edoc", "hash-file": "0"}))
    headers["Content-Length"] = str(60 * MIB)
    connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=60)
    try:
        connection.putrequest("POST", "/sendEdoc")
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(b"<edXML/>")
        response = connection.getresponse()
        answer = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 413 and (answer["ErrorCode"], answer["DocId"]) == ("7", "")

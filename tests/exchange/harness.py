"""Real processes on loopback for the exchange tests: one hub, and Vanthu deployments (each with its own database,
web server, task worker and a test driver process that calls the services with that deployment's settings).

Databases: SQLite files in the test's folder, or — when the suite runs on PostgreSQL (``DATABASE_URL``) — one
throwaway PostgreSQL database per process group, dropped at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.processes import spawn, stop

ROOT = Path(__file__).resolve().parents[2]
VANTHU = [sys.executable, "-m", "vanthu.cli"]
START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], Any], *, timeout: float = 60.0, interval: float = 0.1, what: str = "") -> Any:
    """Poll ``check`` until it returns something truthy (no sleeps in tests: a deadline)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what or check}: last value {last!r}")


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTHU_") and k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Databases:
    """Throwaway databases: SQLite files, or PostgreSQL databases next to the suite's own."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.server = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith(
            "postgres") else ""
        self.created: list[str] = []

    def url(self, name: str) -> str:
        if not self.server:
            return f"sqlite:///{self.base / f'{name}.sqlite3'}"
        db = f"vanthu_x_{name}_{os.getpid()}_{secrets.token_hex(3)}"
        self._psql(f'CREATE DATABASE "{db}"')
        self.created.append(db)
        parts = urlsplit(self.server)
        return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))

    def _psql(self, sql: str) -> None:
        parts = urlsplit(self.server)
        admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
        subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True, timeout=60)

    def drop(self) -> None:
        for db in self.created:
            with contextlib.suppress(subprocess.CalledProcessError):
                self._psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        self.created.clear()


@dataclass
class Proc:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        handle = self.log.open("ab")
        self.popen = spawn(self.args, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT)
        return self

    def stop(self, *, kill: bool = False) -> None:
        stop(self.popen, kill=kill)

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


def _run(args: list[str], env: dict[str, str], log: Path, timeout: float = 300) -> None:
    with log.open("ab") as handle:
        subprocess.run(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, check=True,
                       timeout=timeout)


def _wait_http(url: str, log: Path) -> None:
    def up() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback test server
                return True
        except urllib.error.HTTPError:
            return True  # it answers
        except OSError:
            return False

    try:
        wait_for(up, timeout=START_TIMEOUT, interval=0.2, what=url)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- {log} ---\n{log.read_text(errors='replace')[-4000:]}") from exc


@dataclass
class Hub:
    base: Path
    database_url: str
    port: int = field(default_factory=free_port)
    proc: Proc | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = _base_env()
        env.update(VANTHU_VAR_DIR=str(self.base / "hub"), VANTHU_HUB_DATABASE_URL=self.database_url,
                   VANTHU_HUB_SECRET_KEY="test-hub-secret-key")
        return env

    def migrate(self) -> Hub:
        _run([*VANTHU, "hub", "-v", "0", "migrate"], self.env, self.base / "hub.log")
        return self

    def system_add(self, system_id: str, secret: str, agencies: list[str]) -> None:
        args = [*VANTHU, "hub", "system", "add", "--system-id", system_id, "--secret", secret]
        for code in agencies:
            args += ["--agency", code]
        _run(args, self.env, self.base / "hub.log")

    def agency_add(self, code: str, name: str, system_id: str) -> None:
        _run([*VANTHU, "hub", "agency", "add", "--code", code, "--name", name, "--system", system_id], self.env,
             self.base / "hub.log")

    def start(self) -> Hub:
        self.proc = Proc("hub", [*VANTHU, "hub", "serve", "--port", str(self.port)], self.env,
                         self.base / "hub.log").start()
        _wait_http(f"{self.url}/countReceiveEdoc", self.base / "hub.log")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()


class Driver:
    """``tests.exchange.driver`` in the deployment's environment: one JSON command per line."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.dead = False
        self.popen = spawn([sys.executable, "-m", "tests.exchange.driver"], cwd=ROOT, env=env,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("ab"))

    def call(self, op: str, **args: Any) -> Any:
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.popen.stdin.write((json.dumps({"op": op, "args": args}) + "\n").encode())
        self.popen.stdin.flush()
        line = self.popen.stdout.readline()
        if not line:
            self.dead = True
            code = self.popen.wait(timeout=30)
            raise AssertionError(f"driver exited ({code}) during {op}\n"
                                 f"{self.log.read_text(errors='replace')[-4000:]}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise DriverError(answer["error"])
        return answer["result"]

    def close(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=20)


class DriverError(AssertionError):
    pass


@dataclass
class Deployment:
    name: str
    base: Path
    database_url: str
    hub_url: str
    system_id: str
    secret: str
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    web: Proc | None = None
    worker: Proc | None = None
    _driver: Driver | None = None

    @property
    def env(self) -> dict[str, str]:
        env = _base_env()
        env.update(
            DJANGO_SETTINGS_MODULE="vanthu.config.settings", DATABASE_URL=self.database_url,
            VANTHU_VAR_DIR=str(self.base / self.name), VANTHU_SECRET_KEY=f"test-{self.name}-secret-key-0123456789",
            VANTHU_HUB_URL=self.hub_url, VANTHU_HUB_SYSTEM_ID=self.system_id, VANTHU_HUB_SECRET=self.secret,
            VANTHU_HUB_POLL_SECONDS="0.3", VANTHU_HUB_RETRY_SECONDS="0.5", VANTHU_HUB_TIMEOUT="10",
            VANTHU_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", VANTHU_LOG_LEVEL="WARNING",
        )
        env.update(self.extra_env)
        return env

    @property
    def log(self) -> Path:
        return self.base / f"{self.name}.log"

    def migrate(self) -> Deployment:
        _run([*VANTHU, "migrate", "--noinput", "-v", "0"], self.env, self.log)
        return self

    @property
    def driver(self) -> Driver:
        if self._driver is None or self._driver.dead or self._driver.popen.poll() is not None:
            self._driver = Driver(self.env, self.log)
        return self._driver

    def start_web(self) -> Deployment:
        self.web = Proc(f"{self.name}-web", [*VANTHU, "serve", "--port", str(self.port), "--skip-collectstatic"],
                        self.env, self.log).start()
        _wait_http(f"http://127.0.0.1:{self.port}/api/v1/me", self.log)
        return self

    def start_worker(self) -> Deployment:
        self.worker = Proc(f"{self.name}-worker", [*VANTHU, "worker", "--interval", "0.1"], self.env,
                           self.log).start()
        return self

    def stop_worker(self, *, kill: bool = False) -> None:
        if self.worker is not None:
            self.worker.stop(kill=kill)

    def api(self, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: {exc.code} {exc.read()[:2000]!r}") from exc

    def stop(self) -> None:
        for proc in (self.web, self.worker):
            if proc is not None:
                proc.stop()
        if self._driver is not None:
            self._driver.close()

"""Guessing a password through the real web server (``vanthu serve``, uvicorn on loopback) with a new
X-Forwarded-For on every try: the account is locked whether or not the peer is a trusted proxy."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.exchange.harness import ROOT, Databases, Proc, free_port, wait_for

PASSWORD = "Mat-khau-dai-123"
GUESSES = 20


@dataclass
class Server:
    url: str
    log: Path
    env: dict[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _env(base: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("VANTHU_") and key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(PYTHONPATH=str(ROOT / "src"), PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="vanthu.config.settings_test",
               DATABASE_URL=database_url, VANTHU_LOG_LEVEL="WARNING", **extra)
    return env


def _vanthu(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run([sys.executable, "-m", "vanthu.cli", *args], cwd=ROOT, env=env, stdout=out,
                       stderr=subprocess.STDOUT, check=True, timeout=300)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback test server
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """One database, two web servers on it: one facing clients directly, one told loopback is its proxy. The test
    settings only make password hashing fast; the middleware and login guard are production's."""
    base = tmp_path_factory.mktemp("lockout")
    databases = Databases(base)
    database_url = databases.url("lockout")
    log = base / "setup.log"
    _vanthu(["migrate", "--noinput", "-v", "0"], _env(base, database_url), log)
    users = "; ".join(
        f"user_create(actor=None, username='{name}', full_name='{name}', password='{PASSWORD}')"
        for name in ("tructiep", "quaproxy"))
    _vanthu(["shell", "-c", f"from vanthu.organizations.services import user_create; {users}"],
            _env(base, database_url), log)
    running: dict[str, Server] = {}
    procs: list[Proc] = []
    try:
        for name, extra in (("direct", {}), ("proxied", {"VANTHU_TRUSTED_PROXIES": "127.0.0.1"})):
            port = free_port()
            server_log = base / f"{name}.log"
            procs.append(Proc(name, [sys.executable, "-m", "vanthu.cli", "serve", "--port", str(port),
                                     "--skip-collectstatic"], _env(base, database_url, **extra), server_log).start())
            running[name] = Server(url=f"http://127.0.0.1:{port}", log=server_log, env=procs[-1].env)
        for server in running.values():
            wait_for(lambda server=server: _answers(f"{server.url}/dang-nhap/"), timeout=90, what=server.url)
        yield running
    finally:
        for proc in procs:
            proc.stop()
        databases.drop()


@pytest.fixture(autouse=True)
def _no_failures_left(servers: dict[str, Server]) -> None:
    """Both servers share one database: each test starts with no failed attempt recorded (straight in the
    database: ``vanthu axes_reset`` would start Django, eight seconds here, for two DELETEs)."""
    url = servers["direct"].env["DATABASE_URL"]
    statements = ["DELETE FROM axes_accessattemptexpiration", "DELETE FROM axes_accessattempt"]
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection, connection:
            for statement in statements:
                connection.execute(statement)
    else:
        with psycopg.connect(url) as connection:
            for statement in statements:
                connection.execute(statement)


def _try(server: Server, username: str, password: str, forwarded_for: str) -> tuple[int, str]:
    """One login through the form (with its CSRF token), sent with the given X-Forwarded-For."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(f"{server.url}/dang-nhap/", timeout=30) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token is not None
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": username,
                                   "password": password}).encode()
    request = urllib.request.Request(f"{server.url}/dang-nhap/", data=body, headers={  # noqa: S310 - loopback
        "X-Forwarded-For": forwarded_for, "Referer": f"{server.url}/dang-nhap/"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _guess_then_log_in(server: Server, username: str, *, guessed: str | None = None) -> tuple[int, str]:
    """``GUESSES`` wrong passwords, each with a new X-Forwarded-For (at ``guessed``, or at a new made-up username
    every time), then the right password of ``username``."""
    for guess in range(GUESSES):
        _try(server, guessed or f"khong-co-{guess}", f"sai-{guess}", f"198.51.{guess}.{guess + 1}")
    return _try(server, username, PASSWORD, "192.0.2.77")


def test_forwarded_addresses_from_an_untrusted_peer_do_not_dodge_the_lockout(servers: dict[str, Server]) -> None:
    status, body = _guess_then_log_in(servers["direct"], "tructiep", guessed="tructiep")
    assert status == 429, (status, servers["direct"].log.read_text(errors="replace")[-2000:])
    assert "Tài khoản tạm thời bị khóa đăng nhập" in body


def test_real_client_addresses_behind_a_trusted_proxy_still_lock_the_account(servers: dict[str, Server]) -> None:
    status, body = _guess_then_log_in(servers["proxied"], "quaproxy", guessed="quaproxy")
    assert status == 429, (status, servers["proxied"].log.read_text(errors="replace")[-2000:])
    assert "Tài khoản tạm thời bị khóa đăng nhập" in body


def test_an_untrusted_peer_guessing_many_accounts_is_one_address(servers: dict[str, Server]) -> None:
    status, _body = _guess_then_log_in(servers["direct"], "tructiep")
    assert status == 429, (status, servers["direct"].log.read_text(errors="replace")[-2000:])


def test_a_trusted_proxys_clients_are_told_apart(servers: dict[str, Server]) -> None:
    status, _body = _guess_then_log_in(servers["proxied"], "quaproxy")
    assert status == 302  # other clients' guesses at other accounts do not lock this one out

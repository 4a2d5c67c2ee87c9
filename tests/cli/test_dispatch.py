from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vanthu.cli import main
from vanthu.core.management.commands import worker
from vanthu.core.models import Holiday
from vanthu.core.periodic import periodic_jobs

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.django_db
def test_holidays_seed_inserts_the_statutory_days_of_the_year(capsys: pytest.CaptureFixture[str]) -> None:
    main(["holidays", "seed", "--year", "2027"])
    names = dict(Holiday.objects.filter(date__year=2027).values_list("date__month", "name").order_by("date"))
    assert "Quốc khánh (2/9)" in names.values()
    assert "Đã thêm" in capsys.readouterr().out
    main(["holidays", "seed", "--year", "2027"])
    assert "Đã thêm 0 ngày" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_load_alias_loads_and_prints_logins(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo-load", "--documents", "12"])
    out = capsys.readouterr().out
    assert "Đã tải Tỉnh Demo" in out
    assert "vanthu.ubnd" in out and "chutich.ubnd" in out and "admin" in out
    assert "Mật khẩu chung của mọi tài khoản mẫu: Vanthu@2026" in out


@pytest.mark.django_db
def test_unknown_names_fall_through_to_django(capsys: pytest.CaptureFixture[str]) -> None:
    main(["showmigrations", "core"])
    assert "[X] 0001_initial" in capsys.readouterr().out


def test_settings_default_to_production_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(VANTHU_VAR_DIR=str(tmp_path), PYTHONPATH=str(SRC))
    result = subprocess.run(
        [sys.executable, "-m", "vanthu.cli", "shell", "-c",
         "from django.conf import settings; print(settings.SETTINGS_MODULE)"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "vanthu.config.settings"


def test_serve_collects_static_then_runs_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr("vanthu.core.management.commands.serve.call_command",
                        lambda name, **kw: calls.append(("collectstatic", name)))
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(("uvicorn", (app, kw["host"], kw["port"]))))
    main(["serve", "--host", "0.0.0.0", "--port", "8123"])  # noqa: S104 - no socket is opened, uvicorn is stubbed
    assert calls == [("collectstatic", "collectstatic"),
                     ("uvicorn", ("vanthu.config.asgi:application", "0.0.0.0", 8123))]  # noqa: S104


@pytest.mark.django_db
def test_worker_scheduler_enqueues_the_deadline_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    from vanthu.documents import tasks

    enqueued: list[object] = []
    monkeypatch.setattr(worker, "enqueue_once", lambda task: enqueued.append(task) or True)
    job = next(job for job in periodic_jobs() if job.name == "deadline scan")
    assert job.interval() == 15 * 60
    [scan] = [j for j in worker.default_jobs() if j.name == "deadline scan"]
    assert scan.run() is True
    assert enqueued == [tasks.deadline_scan]


def test_worker_schedules_no_exchange_job_without_a_hub(settings: Any) -> None:
    settings.VANTHU_HUB_URL = ""
    names = {job.name for job in worker.default_jobs()}
    assert {"deadline scan", "missed e-mails", "statistics", "prune"} <= names
    assert not names & {"exchange receive", "exchange retries", "exchange directory"}
    settings.VANTHU_HUB_URL, settings.VANTHU_HUB_SYSTEM_ID, settings.VANTHU_HUB_SECRET = "http://127.0.0.1:9", "s", "x"
    assert {"exchange receive", "exchange retries", "exchange directory"} <= {j.name for j in worker.default_jobs()}


def test_worker_runs_db_worker_and_stops_its_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_call(name: str, **kw: Any) -> None:
        seen["command"], seen["options"] = name, kw

    monkeypatch.setattr(worker, "call_command", fake_call)
    monkeypatch.setattr(worker, "default_jobs", list)
    main(["worker"])
    assert seen == {"command": "db_worker", "options": {"batch": False, "interval": 1.0}}

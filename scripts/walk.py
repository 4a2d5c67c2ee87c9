"""Print the walk of one user action through Vanthu's modules: the modules it enters, in order, and how often the
document visibility rule and row locks run. Used for the layering note (docs/architecture.md); run with a test
database, e.g.

    DATABASE_URL=postgres://…/vanthu_walk .venv/bin/python scripts/walk.py register

It builds a throwaway agency, makes an electronic arrival and registers it through the API as the clerk would.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings_test")


def _trace(action: Callable[[], Any]) -> list[str]:
    walk: list[str] = []

    def profile(frame: Any, event: str, _arg: Any) -> None:
        if event != "call":
            return
        module = frame.f_globals.get("__name__", "")
        if module.startswith("vanthu.") and (not walk or walk[-1] != module):
            walk.append(module)

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return walk


def _locked_table(sql: str) -> str:
    after = sql.split(" FROM ", 1)[1].strip()
    return after.split()[0].strip('"')


def main() -> None:
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.db import connection
    from django.test.runner import DiscoverRunner
    from django.test.utils import CaptureQueriesContext

    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        from django.apps import apps

        for module_name, app_label, model in [("vanthu.organizations.migrations.0002_seed_roles_levels",
                                               "organizations", "Role"),
                                              ("vanthu.documents.migrations.0003_seed_document_types",
                                               "documents", "DocumentType")]:
            if not apps.get_model(app_label, model).objects.exists():
                __import__(module_name, fromlist=["seed"]).seed(apps, None)
        from django.test import Client
        from tests.builders import arrived_document, make_agency_kit

        from vanthu.documents import permissions

        kit = make_agency_kit()
        document = arrived_document(kit)
        calls = {"visibility": 0}
        original = permissions.incoming_visibility_q

        def counting(actor: Any) -> Any:
            calls["visibility"] += 1
            return original(actor)

        permissions.incoming_visibility_q = counting  # type: ignore[assignment]
        import vanthu.documents.selectors as selectors
        if hasattr(selectors, "incoming_visibility_q"):
            selectors.incoming_visibility_q = counting  # type: ignore[attr-defined]
        from vanthu.api.services import api_token_create

        _token, plain = api_token_create(actor=kit.clerk, name="walk", expires_in_days=1)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
        client.get("/api/v1/me")  # load the URLs and the API once: the walk is the action, not the first request
        calls["visibility"] = 0
        with CaptureQueriesContext(connection) as queries:
            client.post(f"/api/v1/incoming/{document.pk}/register", data={}, content_type="application/json")
        locked = [_locked_table(q["sql"]) for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
        print(f"API request: visibility rule evaluated {calls['visibility']}×; SELECT … FOR UPDATE {len(locked)}× "
              f"({', '.join(locked)}); {len(queries.captured_queries)} queries")
        from django.db import transaction

        from vanthu.documents.services import incoming_register

        second = arrived_document(kit)
        with transaction.atomic():  # the service's own walk; tasks queued on commit are not part of it
            walk = _trace(lambda: incoming_register(actor=kit.clerk, document_id=second.pk))
            transaction.set_rollback(True)
        print(f"service walk: {len(walk)} stops through {len(dict.fromkeys(walk))} modules")
        print(" → ".join(m.removeprefix("vanthu.") for m in walk))
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()

"""The effects of document changes and the periodic jobs, as the apps register them (ADR 0008).

A change to this list is a change of what happens when a document moves: it must show in review.
"""

from __future__ import annotations

import pytest

from vanthu.core import periodic
from vanthu.core.effects import Effects, Slot
from vanthu.core.periodic import PeriodicJob, periodic_jobs, periodic_register
from vanthu.documents import effects
from vanthu.organizations import effects as organization_effects


def test_every_registry_lists_its_effects_in_order() -> None:
    assert effects.incoming_changed.names == (
        "documents.delivery_status", "exchange.status_report", "reports.stat_touch", "search.index")
    assert effects.outgoing_changed.names == ("reports.stat_touch",)
    assert effects.delivery_transported.names == ("reports.stat_touch",)
    assert effects.external_transport.provider == "exchange.hub"
    assert organization_effects.agency_created.names == ("documents.default_registers",)
    assert organization_effects.password_reset.names == ("api.tokens_revoke",)


def test_effects_run_in_registration_order_and_a_name_registers_once() -> None:
    seen: list[str] = []
    registry: Effects[int] = Effects("test")
    registry.register("a", lambda n: seen.append(f"a{n}"))
    registry.register("b", lambda n: seen.append(f"b{n}"))
    registry.register("a", lambda n: seen.append(f"A{n}"))  # a second ready() replaces, never doubles
    registry.run(1)
    assert seen == ["A1", "b1"] and registry.names == ("a", "b")


def test_an_effect_that_raises_stops_the_change() -> None:
    registry: Effects[int] = Effects("test")

    def refuse(_n: int) -> None:
        raise RuntimeError("no")

    registry.register("refuse", refuse)
    with pytest.raises(RuntimeError):
        registry.run(1)


def test_an_empty_slot_says_so() -> None:
    slot: Slot[object] = Slot("port")
    assert slot.get() is None and slot.provider == ""
    impl = object()
    slot.provide("someone", impl)
    assert slot.get() is impl and slot.provider == "someone"


def test_periodic_jobs_are_the_apps_own_and_a_disabled_one_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [job.name for job in periodic_jobs()]
    assert names == ["deadline scan", "audit checkpoint", "statistics", "statistics of the month", "monthly reports",
                     "missed e-mails"]
    monkeypatch.setattr(periodic, "_JOBS", dict(periodic._JOBS))
    periodic_register(PeriodicJob("test never", object(), lambda: 1.0, lambda: False))
    assert "test never" not in [job.name for job in periodic_jobs()]

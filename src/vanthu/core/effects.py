"""Typed registries of effects: what higher apps do when something happens in a lower one (ADR 0008).

Dependencies point down (docs/architecture.md): the incoming life cycle must not import statistics, search or the
exchange connector, yet registering a document has to mark a month of statistics dirty, refresh the search entry
and send status 03 back to the sender. The lower app declares the event (a frozen dataclass) and an
``Effects[Event]`` registry beside it; each higher app registers what it does in its ``AppConfig.ready()``; the
lower app runs the registry at the point of the change. Unlike Django signals the event is typed, the list of
effects is explicit and ordered (``names``), and a test pins it.

Effects run synchronously, in the caller's transaction: they must be cheap database writes — mark something
dirty, write an outbox row, enqueue a task (the task table is in the same database, so nothing is lost on a
crash). Slow work (text extraction, sending, recomputing) belongs in the task they enqueue. An effect that raises
rolls back the change that caused it, as any other write of the transaction would.

``Slot`` is the one-implementation variant: a port the lower app calls when a higher app provides it (the
exchange connector as the transport of deliveries to other deployments), ``None`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")
P = TypeVar("P")


class Effects(Generic[E]):
    """The ordered effects of one kind of event. Registering the same name again replaces the handler, so a
    ``ready()`` run twice (tests reloading apps) does not run an effect twice."""

    def __init__(self, event: str) -> None:
        self.event = event
        self._handlers: dict[str, Callable[[E], object]] = {}

    def register(self, name: str, handler: Callable[[E], object]) -> None:
        self._handlers[name] = handler

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._handlers)

    def run(self, event: E) -> None:
        for handler in self._handlers.values():
            handler(event)

    def __repr__(self) -> str:
        return f"Effects({self.event}: {', '.join(self.names) or '—'})"


class Slot(Generic[P]):
    """A port with at most one implementation, provided by a higher app in its ``ready()``."""

    def __init__(self, port: str) -> None:
        self.port = port
        self._impl: P | None = None
        self.provider = ""

    def provide(self, name: str, impl: P) -> None:
        self._impl, self.provider = impl, name

    def get(self) -> P | None:
        return self._impl

    def __repr__(self) -> str:
        return f"Slot({self.port}: {self.provider or '—'})"

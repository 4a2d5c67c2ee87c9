"""Typed parsing of ``VANTHU_*`` environment variables (docs/architecture.md, house rule 8: secrets only from the
environment)."""

from __future__ import annotations

import os


def env_str(name: str, default: str) -> str:
    return os.environ.get(f"VANTHU_{name}", default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(f"VANTHU_{name}")
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"VANTHU_{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(f"VANTHU_{name}")
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"VANTHU_{name} must be a number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(f"VANTHU_{name}")
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"VANTHU_{name} must be a boolean, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(f"VANTHU_{name}")
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]

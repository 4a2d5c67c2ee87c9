from __future__ import annotations

from tests.core.audit_kit import checkpoint_dir

__all__ = ["checkpoint_dir"]

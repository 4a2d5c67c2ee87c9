"""Background work of the core app (django-tasks): the periodic audit checkpoint."""

from __future__ import annotations

from django_tasks import task


@task()
def audit_checkpoint() -> int | None:
    """Sign and store a checkpoint of the audit chains (ADR 0004); the number, or None when nothing moved."""
    from vanthu.core.audit_checkpoints import checkpoint_make

    made = checkpoint_make()
    return made.number if made is not None else None

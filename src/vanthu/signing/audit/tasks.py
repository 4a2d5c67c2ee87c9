"""Background work of the audit checkpoints (django-tasks), run by the worker's periodic job."""

from __future__ import annotations

from django_tasks import task

from vanthu.signing.audit.checkpoints import checkpoint_make


@task()
def audit_checkpoint() -> int | None:
    """Sign and store a checkpoint of the audit chains (ADR 0004); the number, or None when nothing moved."""
    made = checkpoint_make()
    return made.number if made is not None else None

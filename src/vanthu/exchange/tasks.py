"""Background work of the exchange connector (django-tasks). Thin: ids in, a service call, nothing else."""

from __future__ import annotations

from django_tasks import task

from vanthu.exchange.directory import exchange_directory_sync
from vanthu.exchange.receiving import exchange_poll as poll
from vanthu.exchange.sending import exchange_send_due


@task()
def exchange_send_retries() -> int:
    """Send what is due in the outbox: retries after backoff, packages whose task was lost."""
    return exchange_send_due()


@task()
def exchange_receive() -> dict[str, int]:
    """One round of the receive loop (document packages, then status packages)."""
    result = poll()
    return {"received": result.received, "duplicates": result.duplicates, "ignored": result.ignored,
            "quarantined": result.quarantined, "failed": result.failed}


@task()
def exchange_directory_refresh() -> int:
    """Refresh the directory of agencies on the hub."""
    return exchange_directory_sync().total

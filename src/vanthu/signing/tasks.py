"""Batch signing jobs: many signatures with one unlocked key (``pades.SigningSession``), with progress.

A batch (``signing_job_thread_start``) runs in a background thread of the current process and keeps the unlocked
key source in memory only for the duration of the batch. The PIN itself is never stored anywhere, so a batch
cannot be resumed by another process: if the process stops, the job stays RUNNING and the clerk starts a new batch
for the documents that are still NUMBERED.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError
from vanthu.signing.models import SigningJob, SigningJobState
from vanthu.signing.pades import SigningSession

logger = logging.getLogger(__name__)


# --- Batch jobs --------------------------------------------------------------------------------------------------

_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()


def _error_entry(document_id: int, exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, ApplicationError):
        return {"document_id": document_id, "code": exc.code, "message": str(exc.message)}
    return {"document_id": document_id, "code": "signing.failed", "message": str(_("Ký số không thành công"))}


def _run_job(job_id: int, session: SigningSession, work: Callable[[int], None], document_ids: list[int]) -> None:
    done = failed = 0
    errors: list[dict[str, Any]] = []
    try:
        close_old_connections()
        SigningJob.objects.filter(pk=job_id).update(state=SigningJobState.RUNNING)
        for document_id in document_ids:
            try:
                work(document_id)
            except Exception as exc:  # one broken document must not stop the batch
                if not isinstance(exc, ApplicationError):
                    logger.exception("batch signing job %s: document %s failed", job_id, document_id)
                failed += 1
                errors.append(_error_entry(document_id, exc))
            done += 1
            SigningJob.objects.filter(pk=job_id).update(done=done, failed=failed, errors=errors)
        state = SigningJobState.DONE if failed == 0 else SigningJobState.FAILED
    except Exception as exc:  # the job row must say it stopped
        logger.exception("batch signing job %s stopped", job_id)
        errors.append(_error_entry(0, exc))
        state = SigningJobState.FAILED
    finally:
        session.close()
    try:
        SigningJob.objects.filter(pk=job_id).update(state=state, done=done, failed=failed, errors=errors,
                                                    finished_at=timezone.now())
        job = SigningJob.objects.select_related("created_by", "agency").get(pk=job_id)
        audit_record(actor=job.created_by, event_type="signing.batch_finished", target=job, agency=job.agency,
                     data={"total": job.total, "done": done, "failed": failed})
    finally:
        connections.close_all()
        with _threads_lock:
            _threads.pop(job_id, None)


def signing_job_thread_start(*, job: SigningJob, session: SigningSession, work: Callable[[int], None]) -> None:
    """Sign ``job.document_ids`` one by one with ``work(document_id)`` in a background thread, recording progress
    (``done`` = documents processed, ``failed`` = those refused, ``errors`` = why) on the job row. The thread owns
    ``session`` and closes it at the end. Call after the job row is committed."""
    thread = threading.Thread(target=_run_job, args=(job.pk, session, work, list(job.document_ids)),
                              name=f"vanthu-signing-job-{job.pk}", daemon=True)
    with _threads_lock:
        _threads[job.pk] = thread
    thread.start()


def signing_job_wait(job_id: int, timeout: float | None = None) -> bool:
    """Wait for a batch started in this process (tests, command line). True when it is no longer running here."""
    with _threads_lock:
        thread = _threads.get(job_id)
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()

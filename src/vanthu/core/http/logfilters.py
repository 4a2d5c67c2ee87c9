"""Logging of refused requests: one line, no traceback.

Django logs a view's ``PermissionDenied`` (and other 4xx exceptions) on ``django.request`` as a warning *with* the
exception, so every ordinary 403 — someone opening a page their role does not allow — printed a full traceback,
burying the real failures. This filter keeps the warning line and drops the traceback for responses below 500.
"""

from __future__ import annotations

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True

"""Child processes of the tests (hub, web servers, deployments): started so that they never outlive the test run.

``spawn`` starts a child in its own session (so its whole process group — uvicorn's workers included — can be
stopped at once) and asks the kernel to send it SIGTERM when the test process dies (Linux ``PR_SET_PDEATHSIG``), so
even a test run killed by a timeout, Ctrl+C or SIGKILL leaves no server behind holding a port or a database.
``stop`` ends the group: SIGTERM, then SIGKILL if it does not leave in time.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from collections.abc import Sequence
from typing import Any

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(args: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(args), start_new_session=True, preexec_fn=_die_with_parent,
                            **kwargs)


def stop(popen: subprocess.Popen[bytes] | None, *, kill: bool = False, timeout: float = 20) -> None:
    if popen is None or popen.poll() is not None:
        return
    try:
        os.killpg(popen.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(popen.pid, signal.SIGKILL)
        popen.wait(timeout=timeout)

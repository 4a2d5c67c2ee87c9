"""DOCX/ODT → PDF with LibreOffice headless (ADR 0005).

Each conversion runs ``soffice --headless --convert-to pdf`` in a fresh temporary directory with its own user
profile (``-env:UserInstallation``): two conversions never share a profile, so they cannot collide or hand work to
each other's running instance, and nothing is left behind; the profile is seeded with macro execution disabled.
The process runs in its own session and the whole group is killed on timeout or when the conversion ends. A
process-wide semaphore (``VANTHU_CONVERT_CONCURRENCY``, default 2) bounds how many run at once; a conversion that
cannot get a slot within its timeout fails like a slow one.

Fonts: LibreOffice maps Times New Roman to Liberation Serif (metric-compatible, with Vietnamese glyphs) through
fontconfig and its own replacement table; ``fonts-liberation2`` is a system dependency (scripts/system-deps.sh).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError

DEFAULT_CONCURRENCY = 2
_SUFFIXES = {".docx", ".odt"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_semaphore: threading.BoundedSemaphore | None = None
_semaphore_lock = threading.Lock()


def _concurrency() -> int:
    value = getattr(settings, "VANTHU_CONVERT_CONCURRENCY", None) or os.environ.get("VANTHU_CONVERT_CONCURRENCY")
    try:
        return max(1, int(value)) if value else DEFAULT_CONCURRENCY
    except ValueError:
        return DEFAULT_CONCURRENCY


def _slots() -> threading.BoundedSemaphore:
    global _semaphore
    with _semaphore_lock:
        if _semaphore is None:
            _semaphore = threading.BoundedSemaphore(_concurrency())
        return _semaphore


def soffice_path() -> str | None:
    """The LibreOffice binary: ``VANTHU_SOFFICE`` if set, else ``soffice``/``libreoffice`` on PATH."""
    configured = getattr(settings, "VANTHU_SOFFICE", "") or os.environ.get("VANTHU_SOFFICE", "")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_available() -> bool:
    return soffice_path() is not None


def _failed(name: str, reason: str) -> ApplicationError:
    return ApplicationError(
        "convert_failed",
        _("Không chuyển được tệp “%(name)s” sang PDF: tệp bị hỏng, được đặt mật khẩu hoặc không phải văn bản "
          "DOCX/ODT hợp lệ. Hãy mở tệp bằng trình soạn thảo, lưu lại rồi tải lên, hoặc tải lên tệp PDF.")
        % {"name": name},
        {"reason": reason},
    )


def _timed_out(name: str, timeout: float) -> ApplicationError:
    return ApplicationError(
        "convert_timeout",
        _("Chuyển tệp “%(name)s” sang PDF quá thời gian cho phép (%(seconds)s giây). Hãy thử lại sau hoặc tải lên "
          "tệp PDF.") % {"name": name, "seconds": f"{timeout:g}".replace(".", ",")},
        {"timeout": timeout},
    )


# Written into each fresh profile before LibreOffice starts: no macro ever runs in an uploaded document.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _run(
    command: list[str], *, env: dict[str, str], timeout: float, name: str, limit: float,
) -> subprocess.CompletedProcess[bytes]:
    # A session of its own: soffice is a launcher that starts soffice.bin, and a timeout must kill both.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise _timed_out(name, limit) from None
    finally:
        _kill_group(process)  # anything the launcher left running
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _is_office_document(content: bytes, suffix: str) -> bool:
    """A ZIP package of the kind the extension says (LibreOffice would import anything else as plain text)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if suffix == ".odt":
                return "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE
            return "[Content_Types].xml" in names and "word/document.xml" in names
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False


def _check_pdf(data: bytes, name: str) -> None:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not data.startswith(b"%PDF-"):
        raise _failed(name, "output is not a PDF")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError) as exc:
        raise _failed(name, f"output PDF unreadable: {exc}") from exc
    if pages < 1:
        raise _failed(name, "output PDF has no page")


def office_to_pdf(*, content: bytes, filename: str, timeout: float = 60) -> bytes:
    """The PDF LibreOffice makes of a DOCX or ODT document.

    Raises ``convert_unavailable`` when LibreOffice is not installed, ``convert_failed`` for corrupt, encrypted or
    unsupported input (LibreOffice headless never prompts for a password, it just cannot load the file), and
    ``convert_timeout`` when the conversion (including the wait for a free slot) takes longer than ``timeout``.
    """
    name = Path(filename).name.strip() or "tep"
    binary = soffice_path()
    if binary is None:
        raise ApplicationError(
            "convert_unavailable",
            _("Máy chủ chưa cài LibreOffice nên chưa chuyển được tệp DOCX/ODT sang PDF; hãy tải lên tệp PDF."),
        )
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise _failed(name, f"unsupported extension {suffix!r}")
    if not _is_office_document(content, suffix):
        raise _failed(name, f"not a {suffix[1:].upper()} package")
    slots = _slots()
    started = time.monotonic()
    if not slots.acquire(timeout=timeout):
        raise _timed_out(name, timeout)
    try:
        remaining = timeout - (time.monotonic() - started)
        if remaining <= 0:
            raise _timed_out(name, timeout)
        with tempfile.TemporaryDirectory(prefix="vanthu-convert-") as tmp:
            work = Path(tmp)
            source = work / f"input{suffix}"
            source.write_bytes(content)
            out_dir = work / "out"
            (work / "profile" / "user").mkdir(parents=True)
            (work / "profile" / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, "utf-8")
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(work),  # LibreOffice must not touch the service account's home
                "LANG": "C.UTF-8",
                "SAL_USE_VCLPLUGIN": "svp",
            }
            command = [
                binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
                "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), str(source),
            ]
            result = _run(command, env=env, timeout=remaining, name=name, limit=timeout)
            output = out_dir / "input.pdf"
            if not output.is_file():
                lines = (result.stderr + result.stdout).decode("utf-8", "replace").splitlines()
                detail = " ".join(line for line in lines if "javaldx" not in line).strip()[-500:]
                raise _failed(name, f"soffice exit {result.returncode}: {detail}")
            data = output.read_bytes()
    finally:
        slots.release()
    _check_pdf(data, name)
    return data

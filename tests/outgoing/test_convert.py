"""DOCX/ODT → PDF with LibreOffice headless: text and pages kept, clear refusals, bounded and parallel runs.

Conversions take a second or two each: the good documents are converted once per module, in parallel.
"""

from __future__ import annotations

import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.test import override_settings

from tests.outgoing.office_docs import corrupt_docx, docx_bytes, encrypted_odt, nd30_blocks, odt_bytes
from vanthu.core.errors import ApplicationError
from vanthu.documents import convert
from vanthu.documents.convert import office_available, office_to_pdf


def _pdftotext(pdf: bytes, tmp: Path) -> str:
    path = tmp / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def _pdfinfo_pages(pdf: bytes, tmp: Path) -> int:
    path = tmp / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def _fonts(pdf: bytes, tmp: Path) -> str:
    path = tmp / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout


@pytest.fixture(scope="module")
def converted() -> dict[str, bytes]:
    """A two-page DOCX and a two-page ODT, converted at the same time (two conversions in parallel)."""
    assert office_available(), "LibreOffice (soffice) is a system dependency: bash scripts/system-deps.sh"
    blocks = nd30_blocks(pages=2)
    jobs = {"docx": (docx_bytes(blocks), "Dự thảo quyết định.docx"), "odt": (odt_bytes(blocks), "du-thao.odt")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {kind: pool.submit(office_to_pdf, content=data, filename=name)
                   for kind, (data, name) in jobs.items()}
        return {kind: future.result() for kind, future in futures.items()}


def test_two_conversions_in_parallel_both_give_a_pdf(converted: dict[str, bytes]) -> None:
    assert set(converted) == {"docx", "odt"}
    assert all(pdf.startswith(b"%PDF-") for pdf in converted.values())


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_vietnamese_text_survives_the_conversion(converted: dict[str, bytes], kind: str, tmp_path: Path) -> None:
    text = _pdftotext(converted[kind], tmp_path)
    for expected in ("QUYẾT ĐỊNH", "Quyết định phê duyệt", "Điều 1", "Đ, ỹ, ặ, ữ, ờ", "Ưu tiên",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nguyễn Văn An"):
        assert expected in text, expected


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_page_count_is_kept(converted: dict[str, bytes], kind: str, tmp_path: Path) -> None:
    assert _pdfinfo_pages(converted[kind], tmp_path) == 2


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_times_new_roman_becomes_embedded_liberation_serif(
    converted: dict[str, bytes], kind: str, tmp_path: Path,
) -> None:
    fonts = _fonts(converted[kind], tmp_path)
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("LiberationSerif" in row[0] for row in rows), fonts
    assert all(row[-5] == "yes" for row in rows), fonts  # the "emb" column: every font is embedded


def test_corrupt_docx_is_refused_with_convert_failed() -> None:
    with pytest.raises(ApplicationError) as exc:
        office_to_pdf(content=corrupt_docx(), filename="hong.docx")
    assert exc.value.code == "convert_failed"
    assert "Không chuyển được tệp “hong.docx” sang PDF" in str(exc.value.message)


def test_password_protected_odt_is_refused_without_hanging() -> None:
    started = time.monotonic()
    with pytest.raises(ApplicationError) as exc:
        office_to_pdf(content=encrypted_odt(nd30_blocks(), password="mat-khau-rieng"), filename="mat.odt",
                      timeout=30)
    assert exc.value.code == "convert_failed"
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(("content", "filename"), [
    (b"plain words, not a package", "a.docx"),  # LibreOffice itself would import this as plain text
    (docx_bytes(nd30_blocks()), "a.odt"),  # a DOCX under an ODT name
    (docx_bytes(nd30_blocks()), "a.pdf"),
])
def test_what_is_not_a_docx_or_odt_package_is_refused_before_running_libreoffice(
    content: bytes, filename: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("LibreOffice must not run")

    monkeypatch.setattr(convert, "_run", no_run)
    with pytest.raises(ApplicationError) as exc:
        office_to_pdf(content=content, filename=filename)
    assert exc.value.code == "convert_failed"


def test_a_conversion_over_its_time_limit_is_killed() -> None:
    started = time.monotonic()
    with pytest.raises(ApplicationError) as exc:
        office_to_pdf(content=docx_bytes(nd30_blocks()), filename="cham.docx", timeout=0.3)
    assert exc.value.code == "convert_timeout"
    assert time.monotonic() - started < 5


def test_no_free_slot_within_the_time_limit_is_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(convert, "_semaphore", slots)
    slots.acquire()  # another conversion holds the only slot
    try:
        with pytest.raises(ApplicationError) as exc:
            office_to_pdf(content=docx_bytes(nd30_blocks()), filename="cho.docx", timeout=0.2)
    finally:
        slots.release()
    assert exc.value.code == "convert_timeout"


def test_concurrency_setting_sizes_the_semaphore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "_semaphore", None)
    with override_settings(VANTHU_CONVERT_CONCURRENCY=3):
        slots = convert._slots()
    assert all(slots.acquire(blocking=False) for _ in range(3))
    assert not slots.acquire(blocking=False)


def test_missing_libreoffice_is_reported_clearly() -> None:
    with override_settings(VANTHU_SOFFICE="/khong/co/soffice"):
        assert not office_available()
        with pytest.raises(ApplicationError) as exc:
            office_to_pdf(content=docx_bytes(nd30_blocks()), filename="a.docx")
    assert exc.value.code == "convert_unavailable"
    assert "LibreOffice" in str(exc.value.message)

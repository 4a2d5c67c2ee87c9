"""``vanthu pdf verify``: the report on stdout and the documented exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.builders import pdf_bytes
from tests.signing.test_validation import flip_signed_byte, sign
from vanthu.signing.pki.testing import TestPki


@pytest.fixture(scope="module")
def signed_file(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("verify") / "cong-van.pdf"
    path.write_bytes(sign(pdf_bytes("Cong van"), test_pki, "person-rsa"))
    return path


def verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("pdf", "verify", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_valid_signature_with_trusted_root_exits_0(test_pki: TestPki, signed_file: Path) -> None:
    code, out = verify(str(signed_file), "--trust", str(test_pki.root_pem_path))

    assert code == 0
    assert out.startswith("Kết quả: HỢP LỆ [TOTAL_PASSED]") and "Nguyễn Văn An" in out


def test_without_trusted_root_exits_2_undetermined(signed_file: Path) -> None:
    code, out = verify(str(signed_file))

    assert code == 2
    assert "CHƯA XÁC ĐỊNH" in out


def test_tampered_file_exits_1(test_pki: TestPki, signed_file: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "sua.pdf"
    tampered.write_bytes(flip_signed_byte(signed_file.read_bytes()))

    code, out = verify(str(tampered), "--trust", str(test_pki.root_pem_path))

    assert code == 1
    assert "KHÔNG HỢP LỆ" in out


def test_unsigned_pdf_exits_2(test_pki: TestPki, tmp_path: Path) -> None:
    plain = tmp_path / "khong-ky.pdf"
    plain.write_bytes(pdf_bytes())

    code, out = verify(str(plain), "--trust", str(test_pki.root_pem_path))

    assert code == 2
    assert "Tệp không có chữ ký số." in out


def test_garbage_and_missing_file_exit_3(tmp_path: Path) -> None:
    garbage = tmp_path / "rac.pdf"
    garbage.write_bytes(b"\x00\x01 khong phai pdf")

    assert verify(str(garbage))[0] == 3
    assert verify(str(tmp_path / "khong-co.pdf"))[0] == 3


def test_time_before_the_signer_certificate_exists_is_not_valid(test_pki: TestPki, signed_file: Path) -> None:
    code, out = verify(str(signed_file), "--trust", str(test_pki.root_pem_path), "--at", "2001-01-01T00:00:00")

    assert code != 0
    assert "Thời điểm kiểm tra: 01/01/2001" in out


def test_bad_time_is_a_usage_error(signed_file: Path) -> None:
    assert verify(str(signed_file), "--at", "hôm qua")[0] == 64


def test_json_output_parses_and_real_exit_status_is_returned(test_pki: TestPki, signed_file: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vanthu.config.settings_test"}
    done = subprocess.run(
        [sys.executable, "-m", "vanthu.cli", "pdf", "verify", str(signed_file),
         "--trust", str(test_pki.root_pem_path), "--json"],
        capture_output=True, env=env, timeout=120, check=False)

    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["verdict"] == "hợp lệ"
    assert data["signatures"][0]["certificate_kind"] == "PERSONAL"

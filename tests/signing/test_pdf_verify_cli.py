"""``vanthu pdf verify``: the report on stdout, the documented exit status, the deployment's trust roots by default,
and only Vietnamese lines — never a traceback or "CommandError:" — on stderr."""

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
from tests.signing import pdf_shapes as shapes
from tests.signing.test_validation import flip_signed_byte, sign
from vanthu.signing.config import signing_config_reset
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.services import trust_root_save

pytestmark = pytest.mark.django_db  # the deployment's trust roots are TrustedRoot rows


@pytest.fixture(scope="module")
def signed_file(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("verify") / "cong-van.pdf"
    path.write_bytes(sign(pdf_bytes("Cong van"), test_pki, "person-rsa"))
    return path


@pytest.fixture(scope="module")
def recycled_file(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Signed twice Acrobat-style, the second time reusing the number of the first revision's object stream."""
    first = shapes.adobe_sign(shapes.objstm_pdf(), test_pki, "person-rsa", field="ChuKy1")
    path = tmp_path_factory.mktemp("verify") / "ky-hai-lan.pdf"
    path.write_bytes(shapes.adobe_sign(first, test_pki, "agency-rsa", field="ChuKy2", recycle_object_streams=True))
    return path


@pytest.fixture
def deployment_trusts_test_root(test_pki: TestPki) -> None:
    trust_root_save(cert=certs_from_pem(test_pki.root_pem)[0], user=None, is_demo=True)
    signing_config_reset()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real ``vanthu`` entry point in a process of its own (its own empty database: settings_test)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vanthu.config.settings_test"}
    return subprocess.run([sys.executable, "-m", "vanthu.cli", *args],
                          capture_output=True, env=env, timeout=120, check=False, text=True)


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


def test_deployment_roots_are_used_without_trust_option(signed_file: Path, deployment_trusts_test_root: None) -> None:
    code, out = verify(str(signed_file))

    assert (code, out.splitlines()[0]) == (0, "Kết quả: HỢP LỆ [TOTAL_PASSED]")


def test_no_deployment_roots_leaves_them_out(signed_file: Path, deployment_trusts_test_root: None) -> None:
    code, out = verify(str(signed_file), "--no-deployment-roots")

    assert code == 2 and "NO_CERTIFICATE_CHAIN_FOUND" in out


def test_file_pyhanko_cannot_analyse_is_undetermined_not_a_crash(test_pki: TestPki, recycled_file: Path) -> None:
    code, out = verify(str(recycled_file), "--trust", str(test_pki.root_pem_path))

    assert code == 2
    assert out.startswith("Kết quả: CHƯA XÁC ĐỊNH [INDETERMINATE/GENERIC]")
    assert "Không phân tích được những thay đổi của tệp sau khi ký" in out


def test_stderr_has_one_vietnamese_line_and_no_traceback(test_pki: TestPki, recycled_file: Path) -> None:
    done = run_cli("pdf", "verify", str(recycled_file), "--trust", str(test_pki.root_pem_path),
                   "--no-deployment-roots")

    assert done.returncode == 2
    assert done.stderr == "Kết quả kiểm tra chữ ký số: chưa xác định.\n"


def test_unreadable_file_message_has_no_exception_name(tmp_path: Path) -> None:
    garbage = tmp_path / "rac.pdf"
    garbage.write_bytes(b"%PDF-1.7\nkhong con gi\n")

    done = run_cli("pdf", "verify", str(garbage), "--no-deployment-roots")

    assert (done.returncode, done.stderr) == (3, "Không đọc được tệp: tệp không phải PDF hoặc đã hỏng.\n")


def test_unknown_option_is_a_usage_error_not_undetermined(signed_file: Path) -> None:
    done = run_cli("pdf", "verify", str(signed_file), "--khong-co")

    assert done.returncode == 64
    assert done.stderr.rstrip().endswith("Tham số không hợp lệ; xem `vanthu pdf verify --help`.")


def test_unreadable_deployment_database_falls_back_to_files_and_trust_option(
        test_pki: TestPki, signed_file: Path) -> None:
    done = run_cli("pdf", "verify", str(signed_file), "--trust", str(test_pki.root_pem_path))

    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("Không đọc được danh sách CA gốc tin cậy trong cơ sở dữ liệu")

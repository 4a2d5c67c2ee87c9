"""``vanthu edxml inspect FILE [--json]``: exit 0 and the contents — with the warnings, in Vietnamese — for a
package that can be received, exit 1 and the typed error with its element for a defective one."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.edxml.kit import PDF, agency_signer, sample_package, sample_status
from vanthu.edxml import document_package_build, status_package_build
from vanthu.exchange.management.commands.edxml import inspect_main


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = inspect_main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def package_file(tmp_path: Path) -> Path:
    path = tmp_path / "chi-thi-15.edxml"
    path.write_bytes(document_package_build(sample_package(), signer=agency_signer()))
    return path


@pytest.fixture
def defective_file(tmp_path: Path) -> Path:
    path = tmp_path / "hong.edxml"
    path.write_bytes(document_package_build(sample_package()).replace(b"<edXML:Subject>", b"<edXML:Title>", 1)
                     .replace(b"</edXML:Subject>", b"</edXML:Title>", 1))
    return path


@pytest.fixture
def lenient_file(tmp_path: Path) -> Path:
    """A package as another system writes it: dd/MM/yyyy date, a hop with no agency code."""
    path = tmp_path / "lech-chuan.edxml"
    path.write_bytes(document_package_build(sample_package())
                     .replace(b"<edXML:PromulgationDate>2024/03/05<", b"<edXML:PromulgationDate>05/03/2024<", 1)
                     .replace(b"<edXML:OrganId>000.00.00.H49</edXML:OrganId>\n          <edXML:Timestamp>",
                              b"<edXML:Timestamp>", 1))
    return path


def test_inspect_prints_header_trace_business_and_attachments(package_file: Path) -> None:
    code, out, err = _run("inspect", str(package_file))
    assert (code, err) == (0, "")
    assert "Nơi gửi: 000.00.00.H49 UBND tỉnh Quảng Ninh" in out
    assert "Số, ký hiệu: 15/CT-UBND" in out
    assert "Vết chuyển: 000.00.00.H49 2024-03-05T09:30:00+07:00" in out
    assert "Nghiệp vụ: 0 (văn bản mới)" in out
    digest = hashlib.sha256(PDF).hexdigest()
    assert f"Chỉ thị 15-CT-UBND.pdf | application/pdf | {len(PDF)} byte | sha256 {digest}" in out
    assert "Chữ ký số: valid" in out


def test_inspect_json_lists_everything(package_file: Path) -> None:
    code, out, _err = _run("inspect", str(package_file), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["kind"] == "edoc"
    assert report["header"]["from"]["organ_id"] == "000.00.00.H49"
    assert report["header"]["promulgation_info"]["promulgation_date"] == "2024-03-05"
    assert report["traces"] == [{"organ_id": "000.00.00.H49", "timestamp": "2024-03-05T09:30:00+07:00"}]
    assert report["business"]["doc_type"] == 0
    assert report["status"] is None
    first = report["attachments"][0]
    assert (first["name"], first["content_type"], first["size"], first["sha256"]) == (
        "Chỉ thị 15-CT-UBND.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert report["signature"]["state"] == "valid"
    assert "certificate" not in report["signature"]


def test_inspect_json_of_a_status_package(tmp_path: Path) -> None:
    path = tmp_path / "trang-thai.edxml"
    path.write_bytes(status_package_build(sample_status()))
    code, out, _err = _run("inspect", str(path), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["kind"] == "status"
    assert report["status"]["status_code"] == "03"
    assert report["status"]["timestamp"] == "2024-03-05T14:05:09+07:00"
    assert report["attachments"] == []


def test_inspect_exits_1_with_the_error_code_and_element(defective_file: Path) -> None:
    code, out, err = _run("inspect", str(defective_file))
    assert code == 1
    assert out == ""
    assert err.startswith("edxml.missing_element [MessageHeader/Subject]: ")


def test_inspect_json_reports_the_error(defective_file: Path) -> None:
    code, out, _err = _run("inspect", str(defective_file), "--json")
    assert code == 1
    error = json.loads(out)["error"]
    assert (error["code"], error["element"]) == ("edxml.missing_element", "MessageHeader/Subject")
    assert error["message"] == "Gói tin edXML thiếu phần tử bắt buộc MessageHeader/Subject"


def test_inspect_of_our_own_package_says_there_is_no_warning(package_file: Path) -> None:
    _code, out, _err = _run("inspect", str(package_file))
    assert "Cảnh báo: không có" in out


def test_inspect_exits_0_and_lists_the_warnings_in_vietnamese(lenient_file: Path) -> None:
    code, out, err = _run("inspect", str(lenient_file))
    assert (code, err) == (0, "")
    assert "Cảnh báo (2):" in out
    assert ("  - Ngày tháng ghi theo định dạng khác năm/tháng/ngày; đã đọc được "
            "[MessageHeader/PromulgationInfo/PromulgationDate]: 05/03/2024") in out
    assert "  - Không có mã định danh của một bước chuyển gói tin [TraceHeaderList/TraceHeader[1]/OrganId]" in out
    assert "Vết chuyển: - 2024-03-05T09:30:00+07:00" in out


def test_inspect_json_lists_the_warnings(lenient_file: Path) -> None:
    code, out, _err = _run("inspect", str(lenient_file), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["warnings"][0] == {
        "code": "date_variant", "element": "MessageHeader/PromulgationInfo/PromulgationDate",
        "message": "Ngày tháng ghi theo định dạng khác năm/tháng/ngày; đã đọc được", "value": "05/03/2024"}
    assert [w["code"] for w in report["warnings"]] == ["date_variant", "organ_id_missing"]
    assert report["header"]["promulgation_info"]["promulgation_date"] == "2024-03-05"
    assert report["traces"] == [{"organ_id": "", "timestamp": "2024-03-05T09:30:00+07:00"}]


def test_inspect_exits_2_for_a_file_it_cannot_read(tmp_path: Path) -> None:
    code, _out, err = _run("inspect", str(tmp_path / "khong-co.edxml"))
    assert code == 2
    assert "Không đọc được tệp" in err


def test_the_management_command_wraps_the_same_logic(package_file: Path, defective_file: Path) -> None:
    out = io.StringIO()
    call_command("edxml", "inspect", str(package_file), "--json", stdout=out)
    assert json.loads(out.getvalue())["kind"] == "edoc"
    with pytest.raises(SystemExit) as caught:
        call_command("edxml", "inspect", str(defective_file), stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.code == 1

"""Signed, timestamped checkpoints kept outside the database make a rewritten audit log detectable."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.builders import make_agency_kit
from tests.core.audit_kit import attacker_delete, attacker_recompute, attacker_update, chain_rows, write_events
from vanthu.core.errors import ApplicationError
from vanthu.core.management.commands.worker import default_jobs
from vanthu.core.models import AuditEvent
from vanthu.signing.audit import checkpoints as audit_checkpoints
from vanthu.signing.audit.checking import checkpoints_check
from vanthu.signing.audit.checkpoints import checkpoint_make
from vanthu.signing.audit.signer import checkpoint_signer
from vanthu.signing.audit.store import canonical_json, checkpoints_export, head_json
from vanthu.signing.audit.verify import audit_verify
from vanthu.signing.config import signing_config_reset, signing_timestamper, signing_trust_roots
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db


def _problems() -> list[tuple[str, int | None]]:
    return [(problem.kind, problem.event_id) for problem in audit_verify()]


def _texts() -> str:
    return "\n".join(problem.problem for problem in audit_verify())


def _make() -> int:
    made = checkpoint_make()
    assert made is not None
    return made.number


def _rewrite(path: Path, data: bytes) -> None:
    """Checkpoint files are created read-only; whoever forges one has the folder's rights anyway."""
    path.chmod(0o644)
    path.write_bytes(data)


def test_a_checkpoint_is_a_detached_cms_signature_with_a_tsa_timestamp_that_verifies(checkpoint_dir: Path) -> None:
    a, b = make_agency_kit().agency, make_agency_kit().agency
    write_events(a, 2)
    last_of_b = write_events(b, 3)[-1]
    made = checkpoint_make()
    assert made is not None and made.number == 1
    payload = json.loads((checkpoint_dir / "00000001.json").read_bytes())
    heads = {head["chain"]: head for head in payload["heads"]}
    assert heads[b.pk] == {"chain": b.pk, "last_id": last_of_b.pk, "count": len(chain_rows(b.pk)),
                           "last_hash": last_of_b.hash}
    assert payload["events"] == AuditEvent.objects.count() and payload["previous"] == ""
    assert abs(made.stamped_at - made.made_at) < dt.timedelta(minutes=1)
    checked = checkpoints_check()
    assert checked.problems == [] and checked.trusted == [1]
    assert list(audit_verify()) == []


def test_a_checkpoint_verifies_with_openssl_alone(checkpoint_dir: Path, tmp_path: Path) -> None:
    """The format is plain CMS: an inspector needs the two files and the signer's certificate, not Vanthu."""
    write_events(None, 2)
    _make()
    checkpoints_export(tmp_path / "export")
    signer = next((tmp_path / "export").glob("signer-*.pem"))
    result = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(checkpoint_dir / "00000001.p7s"),
         "-content", str(checkpoint_dir / "00000001.json"), "-CAfile", str(signer), "-purpose", "any",
         "-out", os.devnull], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr


def test_the_next_checkpoint_lists_only_the_heads_that_moved_and_none_is_made_when_nothing_did(
        checkpoint_dir: Path) -> None:
    a, b = make_agency_kit().agency, make_agency_kit().agency
    write_events(a, 1)
    write_events(b, 1)
    _make()
    assert checkpoint_make() is None
    write_events(b, 1)
    assert _make() == 2
    payload = json.loads((checkpoint_dir / "00000002.json").read_bytes())
    assert [head["chain"] for head in payload["heads"]] == [b.pk]
    assert payload["chains"] >= 2 and payload["events"] == AuditEvent.objects.count()
    assert list(audit_verify()) == []


def test_an_edited_row_with_the_whole_chain_recomputed_is_caught_by_the_checkpoint(checkpoint_dir: Path) -> None:
    agency = make_agency_kit().agency
    rows = write_events(agency, 4)
    _make()
    attacker_update(rows[1].pk, data={"i": 1, "ghi_chu": "đã bị sửa"})
    attacker_recompute(agency.pk)
    kinds = [kind for kind, _id in _problems()]
    assert "edited" not in kinds and "link_broken" not in kinds  # the chain alone now looks intact
    assert kinds == ["checkpoint_hash", "checkpoint_rewritten"]
    texts = _texts()
    assert f"mã băm của sự kiện #{rows[-1].pk} khác mã đã ký — nhật ký đến sự kiện này đã bị viết lại" in texts
    assert f"các sự kiện từ đầu chuỗi đến #{rows[-1].pk} (không khớp điểm kiểm tra số 1)" in texts


def test_the_rewritten_stretch_is_narrowed_down_between_two_checkpoints(checkpoint_dir: Path) -> None:
    agency = make_agency_kit().agency
    early = write_events(agency, 2)
    _make()
    late = write_events(agency, 2)
    _make()
    attacker_update(late[0].pk, data={"i": 0, "ghi_chu": "đã bị sửa"})
    attacker_recompute(agency.pk)
    assert (f"các sự kiện sau #{early[-1].pk} (còn khớp điểm kiểm tra số 1) đến #{late[-1].pk} (không khớp điểm "
            "kiểm tra số 2) đã bị sửa, xóa hoặc tính lại mã băm") in _texts()


def test_deleted_rows_with_the_chain_recomputed_are_caught_by_the_signed_count(checkpoint_dir: Path) -> None:
    agency = make_agency_kit().agency
    rows = write_events(agency, 4)
    _make()
    attacker_delete(rows[1].pk)
    attacker_recompute(agency.pk)
    kinds = [kind for kind, _id in _problems()]
    assert "link_broken" not in kinds and "rows_missing" not in kinds
    assert "checkpoint_count" in kinds
    assert f"đến sự kiện #{rows[-1].pk} có {len(chain_rows(agency.pk))} sự kiện nhưng điểm kiểm tra số 1" in _texts()


def test_a_tail_removed_below_a_checkpoint_is_caught_even_with_the_head_moved_back(checkpoint_dir: Path) -> None:
    agency = make_agency_kit().agency
    rows = write_events(agency, 3)
    _make()
    attacker_delete(rows[-1].pk)
    attacker_recompute(agency.pk)  # the head now ends at rows[-2]: the chain agrees with it
    assert ("checkpoint_row_missing", rows[-1].pk) in _problems()
    assert f"Sự kiện #{rows[-1].pk}, sự kiện cuối của chuỗi của cơ quan {agency.name}" in _texts()


def test_rows_after_the_last_checkpoint_still_answer_to_the_chain(checkpoint_dir: Path) -> None:
    agency = make_agency_kit().agency
    write_events(agency, 2)
    _make()
    victim = write_events(agency, 2)[0]
    attacker_update(victim.pk, data={"i": 5})
    assert _problems() == [("edited", victim.pk)]


def test_a_forged_checkpoint_file_is_reported_by_its_signature(checkpoint_dir: Path) -> None:
    agency = make_agency_kit().agency
    rows = write_events(agency, 3)
    _make()
    attacker_update(rows[0].pk, data={"i": 0, "ghi_chu": "đã bị sửa"})
    attacker_recompute(agency.pk)
    # The attacker also rewrites the checkpoint to the new hashes, but cannot re-sign it.
    path = checkpoint_dir / "00000001.json"
    payload = json.loads(path.read_bytes())
    new_last = chain_rows(agency.pk)[-1]
    payload["heads"] = [dict(head, last_hash=new_last.hash) if head["chain"] == agency.pk else head
                        for head in payload["heads"]]
    _rewrite(path, json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())
    problems = _problems()
    assert ("checkpoint_signature", None) in problems
    assert "Điểm kiểm tra số 1: chữ ký số không khớp với nội dung — tệp đã bị sửa hoặc giả mạo." in _texts()


def test_a_damaged_or_missing_signature_file_is_reported(checkpoint_dir: Path) -> None:
    for _ in range(2):
        write_events(None, 1)
        _make()
    _rewrite(checkpoint_dir / "00000001.p7s", b"khong phai CMS")
    (checkpoint_dir / "00000002.p7s").unlink()
    texts = _texts()
    assert "Điểm kiểm tra số 1: tệp chữ ký hỏng" in texts
    assert "Điểm kiểm tra số 2 không có tệp chữ ký." in texts
    assert [kind for kind, _id in _problems()] == ["checkpoint_signature", "checkpoint_signature"]


def test_a_checkpoint_signed_with_another_key_is_reported(checkpoint_dir: Path, settings: Any,
                                                          tmp_path: Path) -> None:
    write_events(None, 2)
    _make()
    write_events(None, 1)
    settings.VANTHU_AUDIT_KEY_DIR = str(tmp_path / "khoa-ke-gian")  # someone with the folder but not the key
    _make()
    settings.VANTHU_AUDIT_KEY_DIR = str(tmp_path / "audit-key")
    assert [kind for kind, _id in _problems()] == ["checkpoint_signer"]
    assert "Điểm kiểm tra số 2 được ký bằng chứng thư số không phải của hệ thống" in _texts()


def test_a_checkpoint_backdated_with_the_real_key_is_caught_by_its_timestamp(checkpoint_dir: Path) -> None:
    """Even whoever holds the key cannot make a checkpoint claim an earlier time: the TSA dates the signature."""
    write_events(None, 2)
    heads = audit_checkpoints._current_heads()
    claimed = timezone.now() - dt.timedelta(hours=3)
    payload = {"format": audit_checkpoints.FORMAT, "number": 1, "previous": "", "made_at": claimed.isoformat(),
               "site": "http://127.0.0.1:8000", "heads": [head_json(h) for h in heads],
               "chains": len(heads), "events": sum(h.count for h in heads)}
    data = canonical_json(payload)
    signature, _stamped = audit_checkpoints._sign(data, checkpoint_signer(), signing_timestamper(),
                                                  signing_trust_roots())
    checkpoint_dir.mkdir()
    (checkpoint_dir / "00000001.json").write_bytes(data)
    (checkpoint_dir / "00000001.p7s").write_bytes(signature)
    assert [kind for kind, _id in _problems()] == ["checkpoint_timestamp"]
    assert "Điểm kiểm tra số 1 ghi thời điểm" in _texts()


def test_a_removed_checkpoint_breaks_the_sequence(checkpoint_dir: Path) -> None:
    for _ in range(3):
        write_events(None, 1)
        _make()
    for suffix in ("json", "p7s"):
        (checkpoint_dir / f"00000002.{suffix}").unlink()
    assert [kind for kind, _id in _problems()] == ["checkpoint_missing"]
    assert "Thiếu điểm kiểm tra số 2: tệp đã bị xóa hoặc đổi tên." in _texts()


def test_a_replaced_checkpoint_breaks_the_link_of_the_next(checkpoint_dir: Path) -> None:
    write_events(None, 1)
    _make()
    write_events(None, 1)
    _make()
    first = checkpoint_dir / "00000001.json"
    _rewrite(first, first.read_bytes().replace(b'"site":"', b'"site":"x'))
    kinds = [kind for kind, _id in _problems()]
    assert kinds == ["checkpoint_signature", "checkpoint_link"]  # 1 no longer matches its signature, 2 its link


def test_the_exchange_certificate_signs_checkpoints_when_configured(checkpoint_dir: Path, settings: Any,
                                                                    test_pki: TestPki, tmp_path: Path) -> None:
    p12 = tmp_path / "lien-thong.p12"
    p12.write_bytes(test_pki.identity("agency-rsa").pkcs12(b"mat-khau"))
    settings.VANTHU_EXCHANGE_CERT_FILE, settings.VANTHU_EXCHANGE_CERT_PASSWORD = str(p12), "mat-khau"
    write_events(None, 1)
    made = checkpoint_make()
    assert made is not None and "UBND" in made.signer
    assert not (tmp_path / "audit-key").exists()  # no deployment key was generated
    assert list(audit_verify()) == []


def test_without_a_reachable_tsa_no_checkpoint_is_written(checkpoint_dir: Path, settings: Any) -> None:
    settings.VANTHU_TSA_URL = "http://127.0.0.1:9/tsa"
    signing_config_reset()
    write_events(None, 1)
    with pytest.raises(ApplicationError) as exc:
        checkpoint_make()
    assert "Không lấy được dấu thời gian cho điểm kiểm tra nhật ký từ TSA" in str(exc.value.message)
    assert list(checkpoint_dir.glob("*")) == []


def test_without_a_tsa_configured_nothing_is_made_and_no_key_generated(checkpoint_dir: Path, settings: Any,
                                                                        tmp_path: Path) -> None:
    settings.VANTHU_TSA_URL, settings.VANTHU_DEMO_PKI_DIR = "", ""
    signing_config_reset()
    write_events(None, 1)
    with pytest.raises(ApplicationError, match="VANTHU_TSA_URL"):
        checkpoint_make()
    assert not (tmp_path / "audit-key").exists() and not checkpoint_dir.exists()


def test_checkpoint_and_export_commands(checkpoint_dir: Path, tmp_path: Path) -> None:
    write_events(None, 2)
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert "Đã tạo điểm kiểm tra số 1" in out.getvalue()
    call_command("audit", "checkpoint", stdout=(again := StringIO()))
    assert "Không có sự kiện mới kể từ điểm kiểm tra trước" in again.getvalue()
    export = tmp_path / "ban-sao"
    call_command("audit", "export-checkpoints", str(export), stdout=(first := StringIO()))
    assert "Đã xuất 2 tệp điểm kiểm tra" in first.getvalue()
    call_command("audit", "export-checkpoints", str(export), stdout=(second := StringIO()))
    assert "Đã xuất 0 tệp điểm kiểm tra" in second.getvalue() and "2 tệp đã có sẵn" in second.getvalue()
    (export / "00000001.json").chmod(0o644)
    (export / "00000001.json").write_bytes(b"{}")
    with pytest.raises(CommandError, match=r"đã có trong .* với nội dung khác: không ghi đè"):
        call_command("audit", "export-checkpoints", str(export), stdout=StringIO())


def test_verify_against_an_exported_copy_catches_what_the_live_folder_lost(checkpoint_dir: Path,
                                                                          tmp_path: Path) -> None:
    agency = make_agency_kit().agency
    rows = write_events(agency, 3)
    _make()
    checkpoints_export(tmp_path / "ban-sao")
    for path in checkpoint_dir.iterdir():  # an intruder with the server's files removes the evidence…
        path.unlink()
    attacker_update(rows[0].pk, data={"i": 0, "ghi_chu": "đã bị sửa"})
    attacker_recompute(agency.pk)  # …and rewrites the log
    call_command("audit", "verify", stdout=(live := StringIO()), stderr=StringIO())
    assert "Chưa có điểm kiểm tra nào" in live.getvalue()
    err = StringIO()
    with pytest.raises(CommandError, match=r"Chuỗi nhật ký bị phá vỡ: 2 lỗi\."):
        call_command("audit", "verify", "--checkpoint-dir", str(tmp_path / "ban-sao"), stdout=StringIO(), stderr=err)
    assert "không khớp điểm kiểm tra số 1" in err.getvalue()


def test_verify_reports_what_the_checkpoints_cover(checkpoint_dir: Path) -> None:
    write_events(None, 2)
    _make()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"Chuỗi nhật ký toàn vẹn: {AuditEvent.objects.count()} sự kiện." in out.getvalue()
    assert (f"Đã kiểm tra 1 điểm kiểm tra trong {checkpoint_dir}; điểm mới nhất số 1 lúc") in out.getvalue()


def test_the_worker_makes_a_checkpoint_on_its_schedule(checkpoint_dir: Path, settings: Any) -> None:
    settings.VANTHU_AUDIT_CHECKPOINT_MINUTES = 30
    job = next(job for job in default_jobs() if job.name == "audit checkpoint")
    assert job.interval == 30 * 60
    write_events(None, 1)
    assert job.run()  # the tests' task backend runs the task at once
    assert (checkpoint_dir / "00000001.p7s").exists()
    settings.VANTHU_AUDIT_CHECKPOINT_MINUTES = 0
    assert "audit checkpoint" not in [job.name for job in default_jobs()]


@pytest.mark.django_db(transaction=True)
def test_erasing_the_log_retires_its_checkpoints(checkpoint_dir: Path) -> None:
    write_events(None, 1)
    _make()
    call_command("flush", interactive=False, verbosity=0, erase_audit_log=True)
    assert not checkpoint_dir.exists()
    retired = list(checkpoint_dir.parent.glob("checkpoints.retired-*"))
    assert len(retired) == 1 and (retired[0] / "00000001.json").exists()

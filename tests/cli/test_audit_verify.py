from __future__ import annotations

import pytest

from tests.builders import AgencyKit, registered_document
from tests.core.audit_kit import attacker_delete, attacker_update, chain_rows
from vanthu.cli import main
from vanthu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(["audit", "verify"])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _busiest_chain() -> list[AuditEvent]:
    """The rows of the chain with the most events (the document's agency), oldest first."""
    chains = AuditEvent.objects.values_list("chain", flat=True)
    return chain_rows(max(set(chains), key=list(chains).count))


def test_intact_chain_passes_with_a_count(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    code, out, _err = _verify(capsys)
    assert code == 0
    assert f"Chuỗi nhật ký toàn vẹn: {AuditEvent.objects.count()} sự kiện." in out
    assert "Chưa có điểm kiểm tra nào" in out


def test_edited_row_is_reported_as_edited_not_as_removed_rows(kit: AgencyKit,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    victim = _busiest_chain()[1]
    attacker_update(victim.pk, data={"name": "đã bị sửa"})
    code, _out, err = _verify(capsys)
    assert code == 1
    assert f"Sự kiện #{victim.pk} đã bị sửa: nội dung không khớp với mã băm của nó." in err
    assert "bị xóa" not in err  # the old message blamed removed rows
    assert "Chuỗi nhật ký bị phá vỡ: 1 lỗi." in err


def test_deleted_row_is_reported_where_the_chain_breaks(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    rows = _busiest_chain()
    attacker_delete(rows[1].pk)
    code, _out, err = _verify(capsys)
    assert code == 1
    assert f"bị đứt giữa sự kiện #{rows[0].pk} và #{rows[2].pk}: sự kiện ở giữa đã bị xóa" in err
    assert "thiếu 1 sự kiện" in err  # the chain head still counts the deleted row


def test_removed_tail_is_reported_as_truncation(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    rows = _busiest_chain()
    attacker_delete(rows[-1].pk)
    code, _out, err = _verify(capsys)
    assert code == 1
    assert (f"bị cắt sau sự kiện #{rows[-2].pk}: đầu chuỗi ghi sự kiện cuối là #{rows[-1].pk}, thiếu tổng cộng 1 "
            "sự kiện.") in err
    assert "Chuỗi nhật ký bị phá vỡ: 1 lỗi." in err

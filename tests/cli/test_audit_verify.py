from __future__ import annotations

import pytest
from django.db import connection

from tests.builders import AgencyKit, registered_document
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


def test_intact_chain_passes_with_a_count(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    code, out, _err = _verify(capsys)
    assert code == 0
    assert f"Chuỗi nhật ký toàn vẹn: {AuditEvent.objects.count()} sự kiện." in out


def test_edited_row_is_reported(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    victim = AuditEvent.objects.order_by("id")[3]
    AuditEvent.objects.filter(pk=victim.pk).update(data={"name": "đã bị sửa"})
    code, _out, err = _verify(capsys)
    assert code == 1
    assert f"Sự kiện #{victim.pk}: content does not match its hash" in err
    assert "Chuỗi nhật ký bị phá vỡ: 1 lỗi." in err


def test_deleted_row_is_reported(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [ids[2]])
    code, _out, err = _verify(capsys)
    assert code == 1
    assert f"Sự kiện #{ids[3]}: broken link" in err
    assert "rows but" in err  # the chain head still counts the deleted row


def test_removed_tail_is_reported(kit: AgencyKit, capsys: pytest.CaptureFixture[str]) -> None:
    registered_document(kit)
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [last.pk])
    code, _out, err = _verify(capsys)
    assert code == 1
    assert "Chuỗi nhật ký bị phá vỡ" in err

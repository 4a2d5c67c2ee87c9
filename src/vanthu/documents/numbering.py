"""Gap-free yearly number series per register (ND30 Điều 15, 22)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register, RegisterCounter
from vanthu.organizations.models import Agency


def number_next(*, register: Register, year: int) -> int:
    """Take the next number of ``register`` for ``year``.

    Locking rule: the caller's transaction holds the (register, year) counter row with SELECT … FOR UPDATE until it
    commits, so concurrent registrations queue on that one row and a rolled-back registration gives its number
    back. Callers lock at most one counter per transaction, so there is no lock-order cycle.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next must run inside the registration transaction")
    counter = RegisterCounter.objects.select_for_update().filter(register=register, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                RegisterCounter.objects.create(register=register, year=year, last_number=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs below
        counter = RegisterCounter.objects.select_for_update().get(register=register, year=year)
    counter.last_number += 1
    RegisterCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number)
    return counter.last_number


def register_default(*, agency: Agency, kind: str) -> Register:
    register = (
        Register.objects.filter(agency=agency, kind=kind, is_active=True).order_by("-is_default", "id").first()
    )
    if register is None:
        raise ApplicationError(
            "no_register",
            _("Cơ quan chưa có %(kind)s. Quản trị cơ quan cần tạo sổ trước.") % {"kind": RegisterKind(kind).label},
        )
    return register


def format_number(number: int) -> str:
    """ND30 Phụ lục I: Arabic digits, a leading zero below 10."""
    return f"{number:02d}"

"""The system account that receives packages and acts when no person does (status 01, recall requests)."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import User
from vanthu.organizations.services import user_create


def system_user() -> User:
    """``VANTHU_SYSTEM_USERNAME`` (default "hethong"), created on first use with no usable password."""
    username = str(settings.VANTHU_SYSTEM_USERNAME).strip().lower()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            return user_create(actor=None, username=username, full_name=_("Hệ thống liên thông"), password=None)
    except (IntegrityError, ApplicationError):  # created by another worker meanwhile
        return User.objects.get(username=username)


def system_actor() -> Actor:
    return Actor(user=system_user(), membership=None)

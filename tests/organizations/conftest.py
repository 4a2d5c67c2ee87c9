from __future__ import annotations

import pytest
from django.test import Client

from tests.builders import AgencyKit
from vanthu.organizations.actor import Actor, actor_for
from vanthu.organizations.models import User


def client_for(actor: Actor | User) -> Client:
    client = Client()
    client.force_login(actor.user if isinstance(actor, Actor) else actor)
    return client


@pytest.fixture
def admin_client_for_kit(kit: AgencyKit) -> Client:
    return client_for(kit.admin)


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(username="hethong", password="Mat-khau-dai-123", full_name="Quản trị hệ thống",
                                         email="root@example.vn")


@pytest.fixture
def sysadmin_actor(superuser: User) -> Actor:
    return actor_for(superuser)

"""``python -m django api_token create|list|revoke``: manage API tokens from the server's shell."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vanthu.api.services import api_token_create, api_token_list_for_user, api_token_revoke
from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import Actor, actor_for
from vanthu.organizations.models import User


class Command(BaseCommand):
    help = "Tạo, liệt kê, thu hồi token API của một người dùng."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Tạo token; token chỉ hiển thị một lần.")
        create.add_argument("--user", required=True, help="Tên đăng nhập")
        create.add_argument("--membership", type=int, default=None, help="Mã vị trí công tác (mặc định: đầu tiên)")
        create.add_argument("--name", required=True, help="Tên gợi nhớ của token")
        create.add_argument("--days", type=int, default=90, help="Số ngày hiệu lực (0: không hết hạn)")
        listing = sub.add_parser("list", help="Liệt kê token của người dùng.")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Thu hồi một token.")
        revoke.add_argument("--user", required=True, help="Chủ token (hoặc quản trị cơ quan)")
        revoke.add_argument("--id", type=int, required=True, dest="token_id")

    def _actor(self, username: str, membership_id: int | None = None) -> Actor:
        user = User.objects.filter(username=username.strip().lower(), is_active=True).first()
        if user is None:
            raise CommandError(_("Không tìm thấy người dùng “%(u)s”.") % {"u": username})
        actor = actor_for(user, membership_id)
        if membership_id is not None and (actor.membership is None or actor.membership.pk != membership_id):
            raise CommandError(_("Vị trí công tác %(m)s không thuộc người dùng này.") % {"m": membership_id})
        return actor

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                actor = self._actor(options["user"], options["membership"])
                token, plain = api_token_create(actor=actor, name=options["name"],
                                                expires_in_days=options["days"] or None)
                expiry = f"{token.expires_at:%d/%m/%Y}" if token.expires_at else _("không hết hạn")
                self.stdout.write(_("Token %(id)s (%(agency)s, hết hạn: %(exp)s). Chỉ hiển thị một lần:") % {
                    "id": token.pk, "agency": actor.agency, "exp": expiry})
                self.stdout.write(plain)
            elif options["action"] == "list":
                for token in api_token_list_for_user(actor=self._actor(options["user"])):
                    state = _("đã thu hồi") if token.is_revoked else (
                        _("hết hạn") if token.is_expired() else _("đang dùng"))
                    self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{token.user.username}\t{state}")
            else:
                token = api_token_revoke(actor=self._actor(options["user"]), token_id=options["token_id"])
                self.stdout.write(_("Đã thu hồi token %(id)s.") % {"id": token.pk})
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc

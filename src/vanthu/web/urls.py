from django.urls import include, path

from vanthu.organizations import urls as organizations_urls
from vanthu.web.views import (
    account,
    admin_registers,
    home,
    incoming_actions,
    incoming_detail,
    incoming_forms,
    incoming_list,
)

app_name = "web"

_assignment = "van-ban-den/<int:pk>/phan-viec/<int:assignment_id>/"

admin_register_urls = [
    path("so-van-ban/", admin_registers.register_list, name="register_list"),
    path("so-van-ban/them/", admin_registers.register_add, name="register_add"),
    path("so-van-ban/<int:register_id>/sua/", admin_registers.register_edit, name="register_edit"),
    path("so-van-ban/<int:register_id>/mac-dinh/", admin_registers.register_default, name="register_default"),
]

urlpatterns = [
    path("", home.home_view, name="home"),
    path("dang-nhap/", account.login_view, name="login"),
    path("dang-nhap/xac-thuc/", account.login_otp_view, name="login_otp"),
    path("dang-xuat/", account.logout_view, name="logout"),
    path("tai-khoan/xac-thuc-hai-buoc/", account.otp_setup_view, name="otp_setup"),
    path("tai-khoan/vai-tro/", account.membership_switch_view, name="membership_switch"),
    path("van-ban-den/", incoming_list.incoming_list_view, name="incoming_list"),
    path("van-ban-den/moi/", incoming_forms.incoming_create_view, name="incoming_create"),
    path("van-ban-den/<int:pk>/", incoming_detail.incoming_detail_view, name="incoming_detail"),
    path("van-ban-den/<int:pk>/sua/", incoming_forms.incoming_edit_view, name="incoming_edit"),
    path("van-ban-den/<int:pk>/them-tep/", incoming_forms.incoming_file_add_view, name="incoming_file_add"),
    path("van-ban-den/<int:pk>/tep/<int:file_id>/", incoming_detail.incoming_file_view, name="incoming_file"),
    path("van-ban-den/<int:pk>/phieu-giai-quyet/", incoming_detail.incoming_slip_view, name="incoming_slip"),
    path("van-ban-den/<int:pk>/vao-so/", incoming_actions.register_view, name="incoming_register"),
    path("van-ban-den/<int:pk>/tra-lai/", incoming_actions.return_view, name="incoming_return"),
    path("van-ban-den/<int:pk>/trinh/", incoming_actions.present_view, name="incoming_present"),
    path("van-ban-den/<int:pk>/chi-dao/", incoming_actions.direct_view, name="incoming_direct"),
    path("van-ban-den/<int:pk>/de-biet/", incoming_actions.close_view, name="incoming_close"),
    path("van-ban-den/<int:pk>/mo-lai/", incoming_actions.reopen_view, name="incoming_reopen"),
    path("van-ban-den/<int:pk>/chia-se/", incoming_actions.share_view, name="incoming_share"),
    path("van-ban-den/<int:pk>/thu-hoi/dong-y/", incoming_actions.recall_agree_view, name="incoming_recall_agree"),
    path("van-ban-den/<int:pk>/thu-hoi/tu-choi/", incoming_actions.recall_refuse_view, name="incoming_recall_refuse"),
    path(f"{_assignment}giao/", incoming_actions.delegate_view, name="assignment_delegate"),
    path(f"{_assignment}tien-do/", incoming_actions.note_view, name="assignment_note"),
    path(f"{_assignment}hoan-thanh/", incoming_actions.complete_view, name="assignment_complete"),
    path(f"{_assignment}da-xem/", incoming_actions.mark_read_view, name="assignment_read"),
    # Owned by other modules; keep these includes.
    path("van-ban-di/", include("vanthu.web.outgoing_urls")),
    path("ky-so/", include("vanthu.web.signing_urls")),
    path("so-van-ban/", include("vanthu.web.registers_urls")),
    path("lien-thong/", include("vanthu.web.exchange_urls")),
    path("thong-bao/", include("vanthu.notifications.urls")),
    # Quản trị cơ quan: the organisation screens, plus the register books (a documents concept) in the same section.
    path("quan-tri/", include(([*organizations_urls.urlpatterns, *admin_register_urls], "organizations"))),
]

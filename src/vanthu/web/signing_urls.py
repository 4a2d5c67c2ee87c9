"""URLs of the signing screens, included at ``/ky-so/`` in the ``web`` namespace."""

from django.urls import path

from vanthu.web.views import signing_check, signing_keys, signing_trust

urlpatterns = [
    # Chứng thư số của tôi
    path("chung-thu/", signing_keys.mine_view, name="signing_mine"),
    path("chung-thu/nhap-tep/", signing_keys.mine_import_pkcs12_view, name="signing_mine_import"),
    path("chung-thu/thiet-bi/", signing_keys.mine_register_pkcs11_view, name="signing_mine_token"),
    path("chung-thu/<int:device_id>/ngung/", signing_keys.mine_deactivate_view, name="signing_mine_deactivate"),
    path("chung-thu/anh-chu-ky/", signing_keys.mine_image_view, name="signing_mine_image"),
    path("chung-thu/anh-chu-ky.png", signing_keys.mine_image_png_view, name="signing_mine_image_png"),
    # Chứng thư số cơ quan
    path("co-quan/", signing_keys.agency_view, name="signing_agency"),
    path("co-quan/nhap-tep/", signing_keys.agency_import_pkcs12_view, name="signing_agency_import"),
    path("co-quan/thiet-bi/", signing_keys.agency_register_pkcs11_view, name="signing_agency_token"),
    path("co-quan/<int:device_id>/ngung/", signing_keys.agency_deactivate_view, name="signing_agency_deactivate"),
    path("co-quan/con-dau/", signing_keys.agency_image_view, name="signing_agency_image"),
    path("co-quan/con-dau.png", signing_keys.agency_image_png_view, name="signing_agency_image_png"),
    # CA gốc tin cậy
    path("ca-goc/", signing_trust.trust_roots_view, name="signing_trust_roots"),
    path("ca-goc/nhap/", signing_trust.trust_root_import_view, name="signing_trust_root_import"),
    path("ca-goc/<int:root_id>/trang-thai/", signing_trust.trust_root_toggle_view, name="signing_trust_root_toggle"),
    # Kiểm tra chữ ký số
    path("kiem-tra/", signing_check.check_view, name="signing_check"),
    path("kiem-tra/<str:token>/bao-cao.<str:fmt>", signing_check.check_export_view, name="signing_check_export"),
    path("bao-cao/<int:blob_id>/", signing_check.signature_report_view, name="signature_report"),
    path("bao-cao/<int:blob_id>/kiem-tra-lai/", signing_check.signature_report_refresh_view,
         name="signature_report_refresh"),
    path("bao-cao/<int:blob_id>/bao-cao.<str:fmt>", signing_check.signature_report_export_view,
         name="signature_report_export"),
]

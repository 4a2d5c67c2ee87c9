"""URLs of the outgoing screens (included from vanthu.web.urls at /van-ban-di/, namespace ``web``)."""

from django.urls import path

from vanthu.web.views import (
    outgoing_actions,
    outgoing_batch,
    outgoing_detail,
    outgoing_forms,
    outgoing_list,
)

_doc = "<int:pk>/"

urlpatterns = [
    path("", outgoing_list.outgoing_list_view, name="outgoing_list"),
    path("soan-thao/", outgoing_forms.outgoing_create_view, name="outgoing_create"),
    path("ky-so-co-quan/", outgoing_batch.batch_seal_view, name="outgoing_batch_seal"),
    path("ky-so-co-quan/<int:job_id>/", outgoing_batch.batch_job_view, name="outgoing_batch_job"),
    path(_doc, outgoing_detail.outgoing_detail_view, name="outgoing_detail"),
    path(f"{_doc}phien-ban/", outgoing_forms.outgoing_version_view, name="outgoing_version"),
    path(f"{_doc}phien-ban/<int:version_id>/", outgoing_detail.outgoing_version_file_view,
         name="outgoing_version_file"),
    path(f"{_doc}phien-ban/<int:version_id>/nguon/", outgoing_detail.outgoing_source_file_view,
         name="outgoing_source_file"),
    path(f"{_doc}dinh-kem/", outgoing_forms.outgoing_attachment_add_view, name="outgoing_attachment_add"),
    path(f"{_doc}dinh-kem/<int:attachment_id>/", outgoing_detail.outgoing_attachment_file_view,
         name="outgoing_attachment_file"),
    path(f"{_doc}dinh-kem/<int:attachment_id>/go/", outgoing_forms.outgoing_attachment_remove_view,
         name="outgoing_attachment_remove"),
    path(f"{_doc}trinh/", outgoing_actions.submit_view, name="outgoing_submit"),
    path(f"{_doc}trinh-lai/", outgoing_actions.resubmit_view, name="outgoing_resubmit"),
    path(f"{_doc}dong-y/", outgoing_actions.approve_view, name="outgoing_approve"),
    path(f"{_doc}tra-lai/", outgoing_actions.return_view, name="outgoing_return"),
    path(f"{_doc}nguoi-ky-tra-lai/", outgoing_actions.signer_return_view, name="outgoing_signer_return"),
    path(f"{_doc}huy/", outgoing_actions.cancel_view, name="outgoing_cancel"),
    path(f"{_doc}ky-so/", outgoing_actions.sign_view, name="outgoing_sign"),
    path(f"{_doc}ky-tay/", outgoing_actions.sign_on_paper_view, name="outgoing_sign_on_paper"),
    path(f"{_doc}cap-so/", outgoing_actions.number_view, name="outgoing_number"),
    path(f"{_doc}ky-so-co-quan/", outgoing_actions.seal_view, name="outgoing_seal"),
    path(f"{_doc}ban-hanh/", outgoing_actions.issue_view, name="outgoing_issue"),
    path(f"{_doc}huy-so/", outgoing_actions.void_view, name="outgoing_void"),
    path(f"{_doc}thu-hoi/", outgoing_actions.recall_view, name="outgoing_recall"),
    # The receiving side of a recall (ND30 Điều 18): the clerk agrees (15) or refuses (16) on the incoming copy.
]

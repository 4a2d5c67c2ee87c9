"""The signature report a recipient keeps with a received document: the validation of every signed file, as PDF."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.core.files import UploadedContent
from vanthu.core.tables import table_pdf
from vanthu.signing.config import signing_validation_context
from vanthu.signing.validation.export import reports_table
from vanthu.signing.validation.report import ValidationReport
from vanthu.signing.validation.validate import pdf_validate

SIGNATURE_REPORT_FILENAME = "bao-cao-chu-ky-so.pdf"


def signature_report_pdf(*, heading: Sequence[str], files: Sequence[UploadedContent]) -> bytes:
    """``heading``: the lines naming the document (số/ký hiệu, date, issuer, trích yếu); then, per file, its
    validation report (``pdf_validate`` with ``signing_validation_context``, as the web check does; a file that
    cannot be read as a PDF gets that one line instead of failing the receipt) in the Vietnamese serif font."""
    return table_pdf(reports_table(heading=heading, files=[(item.filename, _report(item)) for item in files]))


def _report(item: UploadedContent) -> ValidationReport | str:
    try:
        return pdf_validate(pdf=item.content, validation_context=signing_validation_context())
    except ApplicationError as exc:
        return str(exc.message)


def signature_report_heading(*, reference: str, issued: str, issuer: str, subject: str) -> list[str]:
    return [
        _("Văn bản số %(ref)s ngày %(date)s của %(agency)s") % {"ref": reference, "date": issued, "agency": issuer},
        _("Trích yếu: %(subject)s") % {"subject": subject},
    ]

"""The signature report a recipient keeps with a received document: the validation of every signed file, as PDF."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from vanthu.core.files import UploadedContent
from vanthu.core.tables import table_pdf
from vanthu.signing.config import signing_trust_roots
from vanthu.signing.validation.export import reports_table
from vanthu.signing.validation.validate import pdf_validate

SIGNATURE_REPORT_FILENAME = "bao-cao-chu-ky-so.pdf"


def signature_report_pdf(*, heading: Sequence[str], files: Sequence[UploadedContent]) -> bytes:
    """``heading``: the lines naming the document (số/ký hiệu, date, issuer, trích yếu); then, per file, its
    validation report (``pdf_validate`` against the trust store in force) in the Vietnamese serif font."""
    roots = signing_trust_roots()
    reports = [(item.filename, pdf_validate(pdf=item.content, trust_roots=roots)) for item in files]
    return table_pdf(reports_table(heading=heading, files=reports))


def signature_report_heading(*, reference: str, issued: str, issuer: str, subject: str) -> list[str]:
    return [
        _("Văn bản số %(ref)s ngày %(date)s của %(agency)s") % {"ref": reference, "date": issued, "agency": issuer},
        _("Trích yếu: %(subject)s") % {"subject": subject},
    ]

"""Refusals of the edXML library. Codes are stable; messages are Vietnamese msgids (ADR 0002).

Every defect of a received package becomes one of these, never an lxml, zip or Base64 exception, and every one
names the element concerned in ``extra["element"]`` (a path such as ``MessageHeader/To[2]/OrganId``).
"""

from __future__ import annotations

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from vanthu.core.errors import ApplicationError


class EdxmlError(ApplicationError):
    """Base class: a defective edXML package, or a package the builder refuses to make. Same signature as
    ``ApplicationError``; ``extra["element"]`` names the element."""

    @property
    def element(self) -> str:
        return str(self.extra.get("element", ""))


def _extra(element: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"element": element, **extra}


class MalformedPackageError(EdxmlError):
    """Not well-formed XML (truncated body, broken tag, undefined entity), or not an edXML package at all."""

    def __init__(self, element: str, **extra: Any) -> None:
        super().__init__(
            "edxml.malformed",
            format_lazy(_("Gói tin edXML không đúng cấu trúc tại {element}"), element=element),
            _extra(element, extra),
        )


class MissingElementError(EdxmlError):
    def __init__(self, element: str, **extra: Any) -> None:
        super().__init__(
            "edxml.missing_element",
            format_lazy(_("Gói tin edXML thiếu phần tử bắt buộc {element}"), element=element),
            _extra(element, extra),
        )


class InvalidValueError(EdxmlError):
    def __init__(self, element: str, **extra: Any) -> None:
        super().__init__(
            "edxml.invalid_value",
            format_lazy(_("Giá trị không hợp lệ tại phần tử {element}"), element=element),
            _extra(element, extra),
        )


class PackageTooLargeError(EdxmlError):
    """A size, depth, element-count or decompressed-size limit was exceeded."""

    def __init__(self, element: str, **extra: Any) -> None:
        super().__init__(
            "edxml.too_large",
            format_lazy(_("Gói tin edXML vượt quá giới hạn cho phép tại {element}"), element=element),
            _extra(element, extra),
        )


class ForbiddenConstructError(EdxmlError):
    """A DOCTYPE or ENTITY declaration: refused outright (XXE, entity expansion), whatever it declares."""

    def __init__(self, element: str, **extra: Any) -> None:
        super().__init__(
            "edxml.forbidden_construct",
            format_lazy(_("Gói tin edXML chứa khai báo DTD hoặc thực thể, không được phép ({element})"),
                        element=element),
            _extra(element, extra),
        )


class SignatureMismatchError(EdxmlError):
    """The package's XML signature does not match it: changed after signing, or a forged signature value."""

    def __init__(self, reason: str, **extra: Any) -> None:
        super().__init__(
            "edxml.signature_mismatch",
            format_lazy(_("Chữ ký số của gói tin không khớp với nội dung: {reason}"), reason=reason),
            _extra("Signature", extra),
        )


class SecretDocumentError(EdxmlError):
    """ND30 and QCVN 102: secret documents never travel through the exchange network."""

    def __init__(self, **extra: Any) -> None:
        super().__init__("edxml.secret_document", _("Văn bản mật không được gửi qua mạng"),
                         _extra("confidentiality", extra))


class SignerError(EdxmlError):
    """The agency's certificate or key cannot be used to sign packages (wrong password, mismatched pair…)."""

    def __init__(self, element: str = "Signature", **extra: Any) -> None:
        super().__init__(
            "edxml.signer_invalid",
            _("Không dùng được chứng thư số hoặc khóa của cơ quan để ký gói tin"),
            _extra(element, extra),
        )

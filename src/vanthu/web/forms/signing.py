"""Forms of the signing screens: key devices, signature and seal images, trusted roots, checking a PDF.

Every upload is refused on its declared size before a byte is read, so a multi-megabyte "certificate" never
reaches memory; the services check the content again.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from asn1crypto import pkcs12 as asn1_pkcs12
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

PKCS12_MAX_BYTES = 100 * 1024
IMAGE_MAX_BYTES = 1024 * 1024
TRUST_ROOT_MAX_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PFX_CONTENT = ("data", "signed_data")  # RFC 7292 §4: the authenticated safe is password- or key-integrity protected


def _kb(size: int) -> int:
    return size // 1024


def upload_bytes(upload: UploadedFile[Any] | None, *, limit: int, too_large: str) -> bytes:
    """The bytes of ``upload`` once its declared size is known to be within ``limit``."""
    if upload is None:
        raise forms.ValidationError(_("Hãy chọn tệp."), code="required")
    if upload.size is None or upload.size > limit:
        raise forms.ValidationError(too_large, code="file_too_large")
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:  # a client that lied about the size
        raise forms.ValidationError(too_large, code="file_too_large")
    if not data:
        raise forms.ValidationError(_("Tệp rỗng."), code="file_empty")
    return data


def pkcs11_module_choices() -> list[tuple[str, str]]:
    """The PKCS#11 libraries an administrator allowed (setting ``VANTHU_PKCS11_MODULES``).

    The setting is a list of paths, of (path, name) pairs, or a dict path → name. Only these paths are ever
    loaded: a user must not make the server load an arbitrary shared library.
    """
    raw: Any = getattr(settings, "VANTHU_PKCS11_MODULES", [])
    items: Sequence[Any] = list(raw.items()) if isinstance(raw, dict) else list(raw)
    choices: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            choices.append((item, Path(item).name))
        else:
            path, name = item
            choices.append((str(path), str(name)))
    return choices


class Pkcs12ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp chứng thư số (.p12, .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
        help_text=_("Tối đa 100 KB. Khóa bí mật được mã hóa lại bằng mật khẩu của tệp và không bao giờ lưu dạng rõ."),
    )
    passphrase = forms.CharField(
        label=_("Mật khẩu của tệp"), strip=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Mật khẩu này cũng là mã PIN khi ký bằng chứng thư số đã nhập."),
    )
    label = forms.CharField(label=_("Tên gọi (không bắt buộc)"), max_length=100, required=False)

    def clean_file(self) -> bytes:
        data = upload_bytes(
            self.cleaned_data.get("file"), limit=PKCS12_MAX_BYTES,
            too_large=str(_("Tệp PKCS#12 vượt quá %(limit)s KB.") % {"limit": _kb(PKCS12_MAX_BYTES)}),
        )
        try:
            # A PKCS#12 file is a DER "PFX" structure: parse its outer layer without the passphrase, so that a
            # wrong file is told apart from a wrong passphrase.
            pfx = asn1_pkcs12.Pfx.load(data, strict=True)
            is_pfx = pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in PFX_CONTENT
        except (ValueError, TypeError, KeyError):
            is_pfx = False
        if not is_pfx:
            raise forms.ValidationError(_("Tệp không phải chứng thư số PKCS#12 (.p12, .pfx)."), code="not_pkcs12")
        return data


class Pkcs11RegisterForm(forms.Form):
    module_path = forms.ChoiceField(label=_("Thư viện thiết bị (PKCS#11)"))
    token_label = forms.CharField(label=_("Tên thiết bị (token label)"), max_length=100)
    key_label = forms.CharField(label=_("Tên khóa trên thiết bị (key label)"), max_length=100)
    pin = forms.CharField(
        label=_("Mã PIN"), strip=False, max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Chỉ dùng một lần để đọc chứng thư số trên thiết bị; không lưu trên hệ thống."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["module_path"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = pkcs11_module_choices()


class SignatureImageForm(forms.Form):
    image = forms.FileField(
        label=_("Ảnh chữ ký (PNG nền trong suốt, mực xanh)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
        help_text=_("Tối đa 1 MB, không quá 2000 điểm ảnh mỗi chiều."),
    )

    def clean_image(self) -> bytes:
        data = upload_bytes(
            self.cleaned_data.get("image"), limit=IMAGE_MAX_BYTES,
            too_large=str(_("Ảnh vượt quá %(limit)s KB.") % {"limit": _kb(IMAGE_MAX_BYTES)}),
        )
        if not data.startswith(PNG_MAGIC):
            raise forms.ValidationError(_("Ảnh phải là tệp PNG."), code="not_png")
        return data


class SealImageForm(SignatureImageForm):
    diameter_mm = forms.DecimalField(
        label=_("Đường kính con dấu (mm)"), min_value=Decimal(20), max_value=Decimal(60), decimal_places=1,
        initial=Decimal(40), help_text=_("Con dấu được in đúng kích thước thật: thường 35–42 mm."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].label = _("Ảnh con dấu (PNG nền trong suốt, màu đỏ)")


class TrustRootImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp chứng thư số gốc (PEM, DER hoặc gói PEM nhiều chứng thư)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pem,.crt,.cer,.der"}),
    )
    pem_text = forms.CharField(
        label=_("Hoặc dán nội dung PEM"), required=False, max_length=TRUST_ROOT_MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "-----BEGIN CERTIFICATE-----", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        text = (cleaned.get("pem_text") or "").strip()
        if upload is not None:
            cleaned["data"] = upload_bytes(
                upload, limit=TRUST_ROOT_MAX_BYTES,
                too_large=str(_("Tệp vượt quá %(limit)s KB.") % {"limit": _kb(TRUST_ROOT_MAX_BYTES)}))
        elif text:
            cleaned["data"] = text.encode("utf-8")
        else:
            raise forms.ValidationError(_("Hãy chọn tệp hoặc dán nội dung PEM của chứng thư số gốc."))
        return cleaned


class PdfCheckForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data.get("file")
        limit = int(settings.VANTHU_MAX_UPLOAD_BYTES)
        data = upload_bytes(
            upload, limit=limit,
            too_large=str(_("Tệp vượt quá dung lượng cho phép (%(limit)s MB).") % {"limit": limit // (1024 * 1024)}),
        )
        assert upload is not None
        return Path(upload.name or "tep.pdf").name, data

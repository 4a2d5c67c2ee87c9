from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from vanthu.core.files import UploadedContent


def docx_upload(text: str, filename: str = "noidung.docx") -> UploadedContent:
    """A minimal DOCX whose body is ``text`` (enough for the upload check and text extraction)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:body></w:document>",
        )
    return UploadedContent(filename, buffer.getvalue())

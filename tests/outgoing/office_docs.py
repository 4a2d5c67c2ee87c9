"""DOCX and ODT drafts written from scratch (zipfile + XML) for the conversion and placement tests.

A document is a list of blocks: ``Para`` (one paragraph, Times New Roman) or ``Table`` (one row of cells, each a
list of paragraphs) — enough for the ND30 layout, which puts the header and the signer block in borderless
two-column tables, as real drafts do.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

VIETNAMESE_SAMPLE = "Quyết định phê duyệt; Điều 1, Đ, ỹ, ặ, ữ, ờ, Ưu tiên"


@dataclass(frozen=True)
class Para:
    text: str = ""
    center: bool = False
    bold: bool = False
    italic: bool = False
    size: float = 14
    page_break_before: bool = False


@dataclass(frozen=True)
class Table:
    cells: tuple[tuple[Para, ...], ...]
    widths_mm: tuple[float, ...]


Block = Para | Table


def nd30_blocks(
    *, signer_name: str = "Nguyễn Văn An", place: str = "Hà Nội", body_paragraphs: int = 6, pages: int = 1,
    with_number: bool = True, with_date: bool = True, with_signer: bool = True,
) -> list[Block]:
    """A quyết định laid out per ND30 Phụ lục I, with a blank number and date for the clerk. ``pages`` > 1 starts
    that many more pages with a page break (each holding ``body_paragraphs`` articles); the signer block ends the
    last one and is kept on one page."""
    left = [Para("ỦY BAN NHÂN DÂN", center=True, size=13), Para("TỈNH DEMO", center=True, bold=True, size=13)]
    if with_number:
        left.append(Para("Số:        /QĐ-UBND", center=True, size=13))
    right = [Para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center=True, bold=True, size=12),
             Para("Độc lập - Tự do - Hạnh phúc", center=True, bold=True, size=13)]
    if with_date:
        right.append(Para(f"{place}, ngày      tháng      năm 2026", center=True, italic=True))
    blocks: list[Block] = [
        Table((tuple(left), tuple(right)), (60, 105)),
        Para(),
        Para("QUYẾT ĐỊNH", center=True, bold=True),
        Para("Về việc phê duyệt Kế hoạch chuyển đổi số năm 2026", center=True, bold=True),
    ]
    for index in range(1, body_paragraphs * pages + 1):
        blocks.append(Para(f"Điều {index}. " + " ".join([VIETNAMESE_SAMPLE] * 3) + ".",
                           page_break_before=index > 1 and index % body_paragraphs == 1))
    signer = [Para("KT. CHỦ TỊCH", center=True, bold=True), Para("PHÓ CHỦ TỊCH", center=True, bold=True)]
    signer += [Para() for _ in range(5)]
    if with_signer:
        signer.append(Para(signer_name, center=True, bold=True))
    places = (Para("Nơi nhận:", bold=True, italic=True, size=12), Para("- Như Điều 3;", size=11),
              Para("- Lưu: VT, KTN.", size=11))
    blocks.append(Table((places, tuple(signer)), (80, 85)))
    return blocks


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _docx_para(p: Para) -> str:
    props = ('<w:pageBreakBefore/>' if p.page_break_before else "") + ('<w:jc w:val="center"/>' if p.center else "")
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    if not p.text:
        return f"<w:p>{ppr}</w:p>"
    fonts = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    rpr = f"<w:rPr>{fonts}{'<w:b/>' if p.bold else ''}{'<w:i/>' if p.italic else ''}" \
          f'<w:sz w:val="{round(p.size * 2)}"/></w:rPr>'
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(p.text)}</w:t></w:r></w:p>'


def _docx_table(t: Table) -> str:
    grid = "".join(f'<w:gridCol w:w="{_twips(w)}"/>' for w in t.widths_mm)
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{_twips(w)}" w:type="dxa"/></w:tcPr>{"".join(_docx_para(p) for p in paras)}</w:tc>'
        for paras, w in zip(t.cells, t.widths_mm, strict=True)
    )
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>' \
           f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr></w:tbl>"


def docx_bytes(blocks: list[Block]) -> bytes:
    """A minimal WordprocessingML package: A4, ND30 margins (top 20, bottom 20, left 30, right 15 mm)."""
    body = "".join(_docx_para(b) if isinstance(b, Para) else _docx_table(b) for b in blocks)
    section = (f'<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="{_twips(20)}" w:right="{_twips(15)}" '
               f'w:bottom="{_twips(20)}" w:left="{_twips(30)}" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr>')
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body>{body}{section}</w:body></w:document>")
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def corrupt_docx() -> bytes:
    """A DOCX package (the upload check accepts it) whose document part is not XML: LibreOffice cannot load it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", b"\x00\x01 not a document <w:body")
    return out.getvalue()


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"'
)
_ODT_MIME = "application/vnd.oasis.opendocument.text"


def _odt_text(text: str) -> str:
    """ODF collapses runs of spaces unless they are written as <text:s text:c="n"/> (blank number and date)."""
    return re.sub(r"  +", lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', escape(text))


def _odt_style_name(p: Para) -> str:
    return f"P{int(p.center)}{int(p.bold)}{int(p.italic)}{int(p.page_break_before)}s{round(p.size * 2)}"


def _odt_para_style(p: Para) -> str:
    align = ('<style:paragraph-properties' + (' fo:text-align="center"' if p.center else "")
             + (' fo:break-before="page"' if p.page_break_before else "") + "/>")
    weight = ' fo:font-weight="bold"' if p.bold else ""
    slant = ' fo:font-style="italic"' if p.italic else ""
    return (f'<style:style style:name="{_odt_style_name(p)}" style:family="paragraph">{align}'
            f'<style:text-properties style:font-name="Times New Roman" fo:font-size="{p.size}pt"{weight}{slant}/>'
            "</style:style>")


def odt_bytes(blocks: list[Block]) -> bytes:
    """A minimal OpenDocument text package: A4, ND30 margins, Times New Roman."""
    paras: dict[str, Para] = {}
    body: list[str] = []
    table_styles: list[str] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Para):
            paras[_odt_style_name(block)] = block
            body.append(f'<text:p text:style-name="{_odt_style_name(block)}">{_odt_text(block.text)}</text:p>')
            continue
        name = f"T{index}"
        table_styles.append(f'<style:style style:name="{name}" style:family="table"><style:table-properties '
                            f'style:width="{sum(block.widths_mm)}mm" table:align="left"/></style:style>')
        columns = []
        cells = []
        for column, (cell, width) in enumerate(zip(block.cells, block.widths_mm, strict=True)):
            table_styles.append(f'<style:style style:name="{name}.{column}" style:family="table-column">'
                                f'<style:table-column-properties style:column-width="{width}mm"/></style:style>')
            columns.append(f'<table:table-column table:style-name="{name}.{column}"/>')
            inner = []
            for p in cell:
                paras[_odt_style_name(p)] = p
                inner.append(f'<text:p text:style-name="{_odt_style_name(p)}">{_odt_text(p.text)}</text:p>')
            cells.append(f"<table:table-cell>{''.join(inner)}</table:table-cell>")
        body.append(f'<table:table table:name="{name}" table:style-name="{name}">{"".join(columns)}'
                    f'<table:table-row table:style-name="{name}.row">{"".join(cells)}</table:table-row></table:table>')
        table_styles.append(f'<style:style style:name="{name}.row" style:family="table-row">'
                            '<style:table-row-properties fo:keep-together="always"/></style:style>')
    fonts = ('<office:font-face-decls><style:font-face style:name="Times New Roman" '
             "svg:font-family=\"'Times New Roman'\" style:font-family-generic=\"roman\"/></office:font-face-decls>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}>{fonts}'
               f"<office:automatic-styles>{''.join(_odt_para_style(p) for p in paras.values())}"
               f"{''.join(table_styles)}</office:automatic-styles>"
               f"<office:body><office:text>{''.join(body)}</office:text></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODF_NS}>{fonts}'
              '<office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties '
              'fo:page-width="210mm" fo:page-height="297mm" fo:margin-top="20mm" fo:margin-bottom="20mm" '
              'fo:margin-left="30mm" fo:margin-right="15mm"/></style:page-layout></office:automatic-styles>'
              '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/>'
              "</office:master-styles></office:document-styles>")
    return _odt_package({"content.xml": content.encode(), "styles.xml": styles.encode()})


def _odt_package(members: dict[str, bytes], encryption: dict[str, tuple[int, str]] | None = None) -> bytes:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"'
        + (f' manifest:size="{encryption[name][0]}">{encryption[name][1]}</manifest:file-entry>'
           if encryption and name in encryption else "/>")
        for name in members
    )
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODT_MIME}"/>{entries}'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODT_MIME, compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            compress = zipfile.ZIP_STORED if encryption and name in encryption else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compress)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def encrypted_odt(blocks: list[Block], password: str) -> bytes:
    """An ODT whose content is encrypted as ODF 1.2 prescribes (AES-256-CBC, PBKDF2 over SHA-256 of the password):
    what LibreOffice writes for "Save with password". Opening it needs the password."""
    plain = zipfile.ZipFile(io.BytesIO(odt_bytes(blocks)))
    members = {name: plain.read(name) for name in ("content.xml", "styles.xml")}
    encrypted: dict[str, bytes] = {}
    encryption: dict[str, tuple[int, str]] = {}
    start_key = hashlib.sha256(password.encode()).digest()
    for name, data in members.items():
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = compressor.compress(data) + compressor.flush()
        salt, iv = os.urandom(16), os.urandom(16)
        key = PBKDF2HMAC(algorithm=hashes.SHA1(), length=32,  # noqa: S303 - ODF 1.2 prescribes HMAC-SHA1
                         salt=salt, iterations=100_000).derive(start_key)
        padder = padding.PKCS7(128).padder()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        encrypted[name] = encryptor.update(padder.update(deflated) + padder.finalize()) + encryptor.finalize()
        checksum = _b64(hashlib.sha256(deflated[:1024]).digest())
        encryption[name] = len(data), (
            '<manifest:encryption-data manifest:checksum-type='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" '
            f'manifest:checksum="{checksum}"><manifest:algorithm manifest:algorithm-name='
            f'"http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="{_b64(iv)}"/>'
            '<manifest:start-key-generation manifest:start-key-generation-name='
            '"http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/>'
            '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" '
            f'manifest:iteration-count="100000" manifest:salt="{_b64(salt)}"/></manifest:encryption-data>'
        )
    return _odt_package(encrypted, encryption)

# pyHanko's PDF object helpers are untyped.
# mypy: disable-error-code="no-untyped-call"
"""Signed PDFs in the shapes other tools write, built here with pyHanko (no downloaded files).

- ``objstm_pdf``: a PDF 1.5+ file whose catalog, page tree, pages and font sit in an object stream, indexed by a
  cross-reference stream (what Word, LibreOffice and Acrobat write by default).
- ``hybrid_pdf``: a hybrid-reference file: a classic xref table for the ordinary objects and, through ``/XRefStm``,
  an xref stream for the objects in an object stream (ISO 32000-1 §7.5.8.4). pyHanko does not write hybrid files,
  so its bytes are laid out here.
- ``adobe_sign``: a signature the way Acrobat/Reader and Foxit-style tools add one: the field is created in the
  signing revision, field and widget are one dictionary on the page's ``/Annots``, the signature dictionary has no
  ``/Type /Sig``; in a file with an xref stream the changed dictionaries go into a new object stream, and (with
  ``recycle_object_streams``) the object streams of the earlier revisions are rewritten and their object numbers
  reused for the new objects — which makes a naive read of an older revision find the wrong object.
- ``empty_signature_field``, ``add_page``, ``add_annotation``, ``document_timestamp``: the revisions that come
  after signing in practice.
"""

from __future__ import annotations

import asyncio
import zlib
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PageObject, PdfFileWriter
from pyhanko.pdf_utils.xref import ObjStreamRef
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.signers.cms_embedder import PdfCMSEmbedder, SigIOSetup, SigObjSetup
from pyhanko.sign.signers.pdf_byterange import SignatureObject

from vanthu.signing.pki.testing import TestPki

PASSPHRASE = b"mat-khau-hinh-dang"
A4 = (0, 0, 595, 842)


def _numbers(values: tuple[int, ...]) -> generic.ArrayObject:
    return generic.ArrayObject([generic.NumberObject(v) for v in values])


def _into_object_stream(writer: BasePdfFileWriter, *, keep: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    """Move every plain dictionary this writer is about to write into one new object stream (streams and the
    objects in ``keep`` stay where they are: a signature dictionary must be a top-level object)."""
    movable = [key for key, obj in writer.objects.items()
               if isinstance(obj, generic.DictionaryObject) and not isinstance(obj, generic.StreamObject)
               and key[0] == 0 and key[1] not in keep]
    if not movable:
        return
    stream = writer.prepare_object_stream()
    for key in sorted(movable):
        obj = writer.objects.pop(key)
        stream.add_object(key[1], obj)
        writer.objs_in_streams[key[1]] = obj


def objstm_pdf(text: str = "Cong van thu nghiem", pages: int = 1) -> bytes:
    """A fresh PDF with an xref stream and its dictionaries in an object stream."""
    writer = PdfFileWriter(stream_xrefs=True)
    font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    for number in range(pages):
        content = writer.add_object(generic.StreamObject(
            stream_data=f"BT /F1 14 Tf 72 760 Td ({text} - trang {number + 1}) Tj ET".encode("ascii")))
        writer.insert_page(PageObject(contents=content, media_box=_numbers(A4), resources=generic.DictionaryObject(
            {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})))
    _into_object_stream(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def hybrid_pdf(text: str = "Cong van thu nghiem") -> bytes:
    """A hybrid-reference PDF: page and font dictionaries in an object stream that only ``/XRefStm`` lists."""
    content = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    in_stream = {4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
                    b"/Resources << /Font << /F1 5 0 R >> >> >>",
                 5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    body, offsets = b"", []
    for obj in in_stream.values():
        offsets.append(len(body))
        body += obj + b"\n"
    header = b" ".join(b"%d %d" % (num, off) for num, off in zip(in_stream, offsets, strict=True)) + b"\n"
    objstm = header + body
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        6: b"<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream"
           % (len(in_stream), len(header), len(objstm), objstm),
    }
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    where: dict[int, int] = {}
    for num, obj in plain.items():
        where[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, obj)
    # The xref stream (object 7) lists the compressed objects 4 and 5: type 2, stream 6, index.
    rows = b"".join(bytes([2, 0, 6, 0, index]) for index in range(len(in_stream)))
    xref_stream = zlib.compress(rows)
    where[7] = len(out)
    out += (b"7 0 obj\n<< /Type /XRef /Size 8 /Index [4 2] /W [1 2 2] /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\n" % (len(xref_stream), xref_stream))
    table_at = len(out)
    # The table leaves out the compressed objects (4, 5): older readers do not see them, newer ones find them in
    # the xref stream.
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % where[num] for num in (1, 2, 3))
    out += b"6 2\n" + b"".join(b"%010d 00000 n \n" % where[num] for num in (6, 7))
    out += (b"trailer\n<< /Size 8 /Root 1 0 R /XRefStm %d /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (where[7], b"ab" * 16, b"ab" * 16, table_at))
    return bytes(out)


def _signer(pki: TestPki, label: str) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.identity(label).pkcs12(PASSPHRASE), other_certs=[], passphrase=PASSPHRASE)
    assert signer is not None
    return signer


def _object_stream_members(reader: PdfFileReader) -> dict[int, list[int]]:
    """Object stream number → the object numbers the current revision reads from it."""
    members: dict[int, list[int]] = {}
    for revision in range(reader.xrefs.total_revisions):
        for idnum, generation in reader.xrefs.get_xref_data(revision).explicit_refs_in_revision:
            marker = reader.xrefs.get_historical_ref(generic.Reference(idnum, generation), revision)
            if isinstance(marker, ObjStreamRef):
                members.setdefault(marker.obj_stream_id, []).append(idnum)
    current: dict[int, list[int]] = {}
    for stream_id, ids in members.items():
        for idnum in ids:
            marker = reader.xrefs[generic.Reference(idnum, 0)]
            if isinstance(marker, ObjStreamRef) and marker.obj_stream_id == stream_id and idnum not in current.get(
                    stream_id, []):
                current.setdefault(stream_id, []).append(idnum)
    return current


def adobe_sign(pdf: bytes, pki: TestPki, label: str, *, field: str, recycle_object_streams: bool = False,
               in_form: bool = True, timestamp: bool = True) -> bytes:
    """Sign as Acrobat/Reader (or Foxit) would, see the module docstring. ``in_form=False``: the signature field
    is only a widget on the page, missing from the form's ``/Fields`` (as some mobile signing apps leave it)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    old_streams = _object_stream_members(writer.prev) if recycle_object_streams and writer.stream_xrefs else {}
    spec = fields.SigFieldSpec(field, box=(360, 80, 560, 160), combine_annotation=True)
    embedding = PdfCMSEmbedder(new_field_spec=spec).write_cms(field_name=field, writer=writer)
    field_ref = next(embedding)
    field_obj = field_ref.get_object()
    if not in_form:
        listed = writer.root["/AcroForm"]["/Fields"]
        listed[:] = [ref for ref in listed if ref.reference != field_ref.reference]
    placeholder = SignatureObject(bytes_reserved=16384, name="Adobe-style")
    del placeholder["/Type"]
    placeholder[pdf_name("/Prop_Build")] = generic.DictionaryObject({pdf_name("/App"): generic.DictionaryObject(
        {pdf_name("/Name"): pdf_name("/Adobe#20Acrobat#20Reader")})})
    sig_ref = embedding.send(SigObjSetup(sig_placeholder=placeholder))
    keep = {sig_ref.idnum}
    if writer.stream_xrefs:
        for members in old_streams.values():  # rewrite what the old object streams hold, then reuse their numbers
            for idnum in members:
                writer.mark_update(generic.Reference(idnum, 0, writer))
        recycled = sorted(old_streams)
        if recycled:
            number = recycled[0]
            writer.objects[(0, number)] = writer.objects.pop((0, sig_ref.idnum))
            field_obj[pdf_name("/V")] = generic.IndirectObject(number, 0, writer)
            keep = {number}
        _into_object_stream(writer, keep=keep)
    digest, output = embedding.send(SigIOSetup(md_algorithm="sha256", in_place=False))
    stamper = timestamps.HTTPTimeStamper(pki.tsa_url) if timestamp else None
    cms = asyncio.run(_signer(pki, label).async_sign(digest.document_digest, "sha256", use_pades=True,
                                                     timestamper=stamper))
    embedding.send(cms)
    return bytes(output.getvalue())


def revisions_twelve(pki: TestPki) -> bytes:
    """Twelve revisions on an object-stream file: four signers (pyHanko and Acrobat style, one of them after the
    form's reserved field), each followed by unsigned updates (a reserved field, a document timestamp)."""
    pdf = objstm_pdf("Ho so nhieu lan ky")  # 1
    pdf = empty_signature_field(pdf, "DuPhong1")  # 2
    pdf = pyhanko_sign(pdf, pki, "person-rsa", field="NguoiSoan")  # 3
    pdf = adobe_sign(pdf, pki, "person-ec", field="TruongPhong")  # 4
    pdf = empty_signature_field(pdf, "DuPhong2")  # 5
    pdf = document_timestamp(pdf, pki)  # 6
    pdf = pyhanko_sign(pdf, pki, "person-rsa", field="DuPhong1")  # 7: the field reserved in revision 2
    pdf = empty_signature_field(pdf, "DuPhong3")  # 8
    pdf = adobe_sign(pdf, pki, "agency-rsa", field="DauCoQuan")  # 9
    pdf = document_timestamp(pdf, pki)  # 10
    pdf = empty_signature_field(pdf, "DuPhong4")  # 11
    return document_timestamp(pdf, pki)  # 12


def pyhanko_sign(pdf: bytes, pki: TestPki, label: str, *, field: str, timestamp: bool = True) -> bytes:
    """A PAdES B-T signature the way pyHanko (and this application) writes it."""
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    stamper = timestamps.HTTPTimeStamper(pki.tsa_url) if timestamp else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    return bytes(signers.PdfSigner(meta, signer=_signer(pki, label), timestamper=stamper).sign_pdf(writer).getvalue())


def document_timestamp(pdf: bytes, pki: TestPki) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    stamper = signers.PdfTimeStamper(timestamps.HTTPTimeStamper(pki.tsa_url))
    return bytes(stamper.timestamp_pdf(writer, "sha256").getvalue())


def empty_signature_field(pdf: bytes, name: str) -> bytes:
    """Add an unsigned signature field (a reserved place for a later signer)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(name, box=(72, 80, 272, 160)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_page(pdf: bytes, text: str = "Trang them sau khi ky") -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    content = writer.add_object(generic.StreamObject(stream_data=f"BT 72 760 Td ({text}) Tj ET".encode("ascii")))
    writer.insert_page(PageObject(contents=content, media_box=_numbers(A4)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_annotation(pdf: bytes, text: str = "Ghi chu sau khi ky") -> bytes:
    """A sticky note on page 1, the usual comment a reader adds."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page_ref, _resources = writer.find_page_for_modification(0)
    note = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Text"),
        pdf_name("/Rect"): _numbers((100, 600, 120, 620)), pdf_name("/Contents"): generic.TextStringObject(text),
        pdf_name("/P"): page_ref}))
    writer.register_annotation(page_ref, note)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()

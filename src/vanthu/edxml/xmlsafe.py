"""The hardened XML reader: packages come from other systems and are hostile until proven otherwise.

- The size is checked before anything is parsed.
- A DOCTYPE or ENTITY declaration is refused outright (XXE, entity expansion), before libxml2 sees it.
- lxml runs with no entity resolution, no network, no DTD loading or validation.
- Depth and element count are limited while the document streams in (``XMLPullParser``), so a depth or
  element bomb is stopped at the limit instead of being built in memory first.
- A well-known namespace prefix used without its declaration (``xlink:``) is declared and the package parsed
  again: the one repair made, reported by the caller as a warning.
- ``huge_tree`` is on: libxml2's default caps a single text node at 10 MB, and one Base64 attachment of a
  package within the 50 MiB limit is a single text node larger than that. The protections that flag also
  lifts (depth, node count, text size) are the stricter limits above; entity amplification stays capped by
  libxml2 and cannot arise anyway without a DTD.

``Node`` reads children by local name, case-insensitively, ignoring namespaces, comments and unknown elements,
and carries the element path used in every error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from vanthu.edxml.errors import (
    ForbiddenConstructError,
    MalformedPackageError,
    MissingElementError,
    PackageTooLargeError,
)
from vanthu.edxml.values import DSIG_NAMESPACE, NAMESPACE

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
MAX_ELEMENTS = 20_000
_CHUNK = 256 * 1024

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "dtd_validation": False,
    "load_dtd": False,
    "huge_tree": True,
}
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Prefixes whose namespace is not in doubt, declared for the package when it uses them undeclared.
WELL_KNOWN_PREFIXES = {
    "xlink": "http://www.w3.org/1999/xlink",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsd": "http://www.w3.org/2001/XMLSchema",
    "ds": DSIG_NAMESPACE,
    "edXML": NAMESPACE,
}
_XML_NS_ERR_UNDEFINED_NAMESPACE = 201
_UNDECLARED = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")
_ROOT_TAG = re.compile(rb"<[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?")
# Encodings in which the ASCII scan above would not see the markup: decode first.
_WIDE_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"),
)


def signature_parser() -> etree.XMLParser:
    """The same hardening for the XML-DSig library, which parses the package again. Comments are kept: they
    are part of the document a ``#WithComments`` canonicalization would sign."""
    return etree.XMLParser(**_PARSER_OPTIONS)


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace_of(element: etree._Element) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _refuse_declarations(data: bytes) -> None:
    view = data
    for bom, codec in _WIDE_ENCODINGS:
        if data.startswith(bom):
            view = data.decode(codec, errors="replace").encode("utf-8")
            break
    match = _FORBIDDEN.search(view)
    if match is not None:
        raise ForbiddenConstructError(match.group(1).decode("ascii").upper())


class _Limits:
    """Depth and element count, checked on every start tag as the document streams in."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.count = 0

    def consume(self, events: Iterator[tuple[str, etree._Element]], *, after_error: bool = False) -> None:
        """After an error lxml reports the start tags read so far, then closes every open element: stop at
        the first close, so that ``stack`` is where the error happened."""
        for event, element in events:
            if event == "end":
                if after_error:
                    return
                self.stack.pop()
                continue
            self.stack.append(local_name(element))
            self.count += 1
            if len(self.stack) > MAX_DEPTH:
                raise PackageTooLargeError("/".join(self.stack[:4]) + "/…", limit="depth", max=MAX_DEPTH)
            if self.count > MAX_ELEMENTS:
                raise PackageTooLargeError("/".join(self.stack), limit="elements", max=MAX_ELEMENTS)


def _stream(data: bytes) -> etree._Element:
    parser = etree.XMLPullParser(events=("start", "end"), remove_comments=True, remove_pis=True,
                                 **_PARSER_OPTIONS)
    limits = _Limits()
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset:offset + _CHUNK])
            limits.consume(parser.read_events())
        root: etree._Element = parser.close()
    except etree.XMLSyntaxError as exc:
        # libxml2 stops at its own depth limit first; the events read so far say which limit was hit, and where.
        limits.consume(parser.read_events(), after_error=True)
        line = exc.position[0] if exc.position else exc.lineno
        error = MalformedPackageError("/".join(limits.stack) or "edXML", reason=exc.msg, line=line)
        prefix = _UNDECLARED.search(exc.msg or "")
        if exc.code == _XML_NS_ERR_UNDEFINED_NAMESPACE and prefix is not None:
            raise _UndeclaredPrefix(prefix[1], error) from exc
        raise error from exc
    return root


class _UndeclaredPrefix(Exception):
    """A signal inside this module: a namespace prefix used without its declaration."""

    def __init__(self, prefix: str, error: MalformedPackageError) -> None:
        super().__init__(prefix)
        self.prefix = prefix
        self.error = error


def _root_name_end(data: bytes) -> int | None:
    """The offset just after the root element's name, skipping the declaration, comments and processing
    instructions; None when the bytes are not in an ASCII-compatible encoding or have no root tag."""
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while position < len(data):
        if data[position:position + 1].isspace():
            position += 1
        elif data.startswith(b"<?", position):
            end = data.find(b"?>", position)
            position = -1 if end < 0 else end + 2
        elif data.startswith(b"<!--", position):
            end = data.find(b"-->", position)
            position = -1 if end < 0 else end + 3
        else:
            match = _ROOT_TAG.match(data, position)
            return match.end() if match is not None else None
        if position < 0:
            return None
    return None


def _declare(data: bytes, prefix: str) -> bytes | None:
    end = _root_name_end(data)
    if end is None:
        return None
    declaration = f' xmlns:{prefix}="{WELL_KNOWN_PREFIXES[prefix]}"'.encode("ascii")
    return data[:end] + declaration + data[end:]


@dataclass(frozen=True)
class XmlRead:
    """A parsed package: its root, the bytes actually parsed (``data`` with the declarations added, if any) and
    the namespace prefixes that had to be declared (``xlink``…), in the order they were met."""

    root: etree._Element
    data: bytes
    declared_prefixes: tuple[str, ...] = ()


def xml_read(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> XmlRead:
    """Parse a package under every limit, or raise a typed error.

    One repair only: a well-known namespace prefix used without its declaration (``xlink:href`` on a
    ``Reference``, which the national platform's Java parser accepts) is declared on the root and the package
    parsed again; the caller reports it."""
    if len(data) > max_bytes:
        raise PackageTooLargeError("edXML", limit="bytes", max=max_bytes, size=len(data))
    if not data or data.isspace():  # not strip(): that would copy the whole package
        raise MalformedPackageError("edXML", reason="empty")
    _refuse_declarations(data)
    declared: list[str] = []
    parsed = data
    while True:
        try:
            root = _stream(parsed)
            break
        except _UndeclaredPrefix as missing:
            repaired = _declare(parsed, missing.prefix) if (
                missing.prefix in WELL_KNOWN_PREFIXES and missing.prefix not in declared) else None
            if repaired is None:
                raise missing.error from None
            declared.append(missing.prefix)
            parsed = repaired
    if root.getroottree().docinfo.doctype:
        raise ForbiddenConstructError("DOCTYPE")
    return XmlRead(root=root, data=parsed, declared_prefixes=tuple(declared))


def xml_parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse a package under every limit; return its root element or raise a typed error."""
    return xml_read(data, max_bytes=max_bytes).root


@dataclass(frozen=True)
class Node:
    """An element and its path (``MessageHeader/To[2]``) for error messages."""

    element: etree._Element
    path: str

    @property
    def name(self) -> str:
        return local_name(self.element)

    def _matching(self, names: tuple[str, ...]) -> Iterator[etree._Element]:
        wanted = {name.casefold() for name in names}
        for child in self.element:
            if isinstance(child.tag, str) and local_name(child).casefold() in wanted:
                yield child

    def child(self, *names: str) -> Node | None:
        """The first child with one of these local names (alternative spellings), or None."""
        for child in self._matching(names):
            return Node(child, f"{self.path}/{local_name(child)}")
        return None

    def require(self, *names: str) -> Node:
        node = self.child(*names)
        if node is None:
            raise MissingElementError(f"{self.path}/{names[0]}")
        return node

    def children(self, *names: str) -> list[Node]:
        return [
            Node(child, f"{self.path}/{local_name(child)}[{index}]")
            for index, child in enumerate(self._matching(names), 1)
        ]

    def text(self) -> str:
        """The element's text, trimmed (CDATA merged, comments dropped by the parser)."""
        return "".join(self.element.itertext()).strip()

    def is_empty(self) -> bool:
        """No text and no child element."""
        return not self.text() and not any(isinstance(child.tag, str) for child in self.element)

    def value(self, *names: str) -> str:
        """The trimmed text of a child, or "" when the child is absent."""
        node = self.child(*names)
        return node.text() if node is not None else ""

    def attribute(self, local: str) -> str | None:
        """An attribute by local name, whatever its namespace (``xlink:href``)."""
        for key, value in self.element.attrib.items():
            if str(key).rsplit("}", 1)[-1] == local:
                return str(value)
        return None

"""Mutated signed PDFs (bytes flipped, cut, inserted, ranges duplicated) never make ``pdf_validate`` or
``vanthu pdf verify`` fail: the answer is a verdict, or for a file that no longer opens as a PDF the one
"cannot read" error (exit 3); nothing is logged at ERROR.

Mutations land anywhere, and half of them near the tokens that hold a PDF together (xref, trailer, object headers,
signature entries), where a random position rarely falls: most of a signed file is the hexadecimal of its
signatures. Derandomised and bounded (see SETTINGS) so that the suite stays reproducible and under a minute.
"""

from __future__ import annotations

import logging
import re
from io import StringIO
from pathlib import Path

import pytest
from asn1crypto import pem, x509
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import pdf_bytes
from tests.signing import pdf_shapes as shapes
from vanthu.core.errors import ApplicationError
from vanthu.signing.pki.testing import TestPki
from vanthu.signing.validation import ValidationReport, pdf_validate

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
COMMAND_SETTINGS = settings(SETTINGS, max_examples=25)
TOKENS = re.compile(rb"xref|trailer|startxref|%%EOF|\d+ \d+ obj|endobj|stream|/ByteRange|/Contents|/Fields|/V |/Kids"
                    rb"|/Root|/Prev|/ObjStm|/XRef|/Type")


@pytest.fixture(scope="module")
def seeds(test_pki: TestPki) -> list[bytes]:
    """Small signed files of the three cross-reference kinds: classic table, xref stream with object streams
    (Acrobat style, two signatures), hybrid."""
    return [
        shapes.pyhanko_sign(pdf_bytes("Fuzz"), test_pki, "person-rsa", field="A", timestamp=False),
        shapes.adobe_sign(shapes.adobe_sign(shapes.objstm_pdf("Fuzz"), test_pki, "person-rsa", field="A",
                                            timestamp=False),
                          test_pki, "agency-rsa", field="B", recycle_object_streams=True, timestamp=False),
        shapes.pyhanko_sign(shapes.hybrid_pdf("Fuzz"), test_pki, "person-ec", field="A", timestamp=False),
    ]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _step in range(draw(st.integers(1, 3))):
        anchors = [m.start() for m in TOKENS.finditer(data)] or [0]
        anchor = draw(st.sampled_from(anchors))
        near = st.integers(max(0, anchor - 16), min(len(data), anchor + 24))
        at = draw(st.one_of(st.integers(0, len(data)), near))
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "duplicate"]))
        if kind == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=48))
        else:
            start = draw(st.integers(0, len(data)))
            data[at:at] = data[start:start + draw(st.integers(1, 4096))]
    return bytes(data)


@pytest.fixture(scope="module")
def root(test_pki: TestPki) -> list[x509.Certificate]:
    return [x509.Certificate.load(pem.unarmor(test_pki.root_pem)[2])]


def _no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_pdf_validate_never_raises_on_mutated_files(seeds: list[bytes], root: list[x509.Certificate],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    @SETTINGS
    @given(pdf=mutated(seeds))
    def check(pdf: bytes) -> None:
        try:
            report = pdf_validate(pdf=pdf, trust_roots=root, allow_fetching=False)
        except ApplicationError as exc:
            assert exc.code == "pdf_unreadable"
        else:
            assert isinstance(report, ValidationReport)
            assert report.verdict and all(sig.reasons or sig.verdict == "hợp lệ" for sig in report.signatures)
        _no_errors_logged(caplog)

    check()


def test_pdf_verify_command_only_ever_answers_with_a_verdict(seeds: list[bytes], tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "dot-bien.pdf"

    @COMMAND_SETTINGS
    @given(pdf=mutated(seeds))
    def check(pdf: bytes) -> None:
        path.write_bytes(pdf)
        out = StringIO()
        try:
            call_command("pdf", "verify", str(path), "--no-deployment-roots", stdout=out)
        except CommandError as exc:
            assert exc.returncode in (1, 2, 3), exc
            assert exc.returncode == 3 or out.getvalue().startswith("Kết quả: ")
        _no_errors_logged(caplog)

    check()

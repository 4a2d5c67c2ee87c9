"""The demo's exchange hub (``vanthu demo-hub``): a local hub, as its own process and database (``var/hub.sqlite3``),
that Tỉnh Demo is one system of, beside a "national platform" system hosting a few central agencies.

What ``make demo`` then shows: the directory of the hub in "Chọn nơi nhận liên thông", a document of UBND tỉnh Demo
issued to Văn phòng Chính phủ through the hub (the outbox, "Đã gửi" in the monitor), and a công văn of Văn phòng
Chính phủ waiting for acceptance at UBND tỉnh Demo with the signature report. NOT FOR REAL USE: the secrets are
generated on this machine and kept in ``var/``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from vanthu import edxml
from vanthu.core.fonts import SERIF, SERIF_BOLD, serif_fonts_register
from vanthu.hubapi.client import HubClient
from vanthu.organizations.models import Agency

DEMO_SYSTEM = "tinh-demo"
NATIONAL_SYSTEM = "truc-quoc-gia-demo"
DEMO_HUB_PORT = 8700
# Central agencies on the "national platform" (QĐ 20/2020 level-1 codes, docs/standards/agency-codes.md).
NATIONAL_AGENCIES = (
    ("000.00.00.G22", "Văn phòng Chính phủ"),
    ("000.00.00.G09", "Bộ Nội vụ"),
    ("000.00.00.G12", "Bộ Tài chính"),
    ("000.00.00.G17", "Bộ Thông tin và Truyền thông"),
)

INBOUND_SUBJECT = "Về việc đẩy mạnh gửi, nhận văn bản điện tử có ký số qua Trục liên thông văn bản quốc gia"


@dataclass(frozen=True)
class DemoHub:
    url: str
    secret: str
    national_secret: str
    agencies: int
    sent_inbound: bool


def _secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


def demo_hub_secrets() -> tuple[str, str]:
    """The demo deployment's and the national system's shared secrets, generated once into ``var/``."""
    var = Path(settings.VAR_DIR)
    return _secret(var / "hub_demo_secret"), _secret(var / "hub_national_secret")


def _hub(*args: str, secret: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    if secret is not None:
        env["VANTHU_HUB_SYSTEM_SECRET"] = secret
    subprocess.run([sys.executable, "-m", "vanthu.cli", "hub", *args], env=env, check=True, capture_output=True,
                   timeout=300)


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _inbound_package(province: Agency) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas


    serif_fonts_register()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(SERIF_BOLD, 13)
    pdf.drawString(72, 780, "VĂN PHÒNG CHÍNH PHỦ (DEMO)")
    pdf.setFont(SERIF, 13)
    pdf.drawString(72, 760, "Số: 1234/VPCP-KSTT")
    pdf.drawString(72, 730, INBOUND_SUBJECT[:80])
    pdf.drawString(72, 712, INBOUND_SUBJECT[80:])
    pdf.drawString(72, 680, "Văn bản mẫu của Tỉnh Demo, gửi qua trục liên thông demo — KHÔNG DÙNG THẬT.")
    pdf.showPage()
    pdf.save()
    today = timezone.localdate()
    header = edxml.MessageHeader(
        from_=edxml.Organization(organ_id=NATIONAL_AGENCIES[0][0], organ_name=NATIONAL_AGENCIES[0][1]),
        to=(edxml.Organization(organ_id=province.organ_id or "", organ_name=province.name),),
        document_id=f"{NATIONAL_AGENCIES[0][0]},{today:%Y/%m/%d},1234/VPCP-KSTT",
        code=edxml.Code(code_number="1234", code_notation="VPCP-KSTT"),
        promulgation_info=edxml.PromulgationInfo(place="Hà Nội", promulgation_date=today),
        document_type=edxml.DocumentTypeInfo(type=18, type_detail=0, type_name="Công văn"),
        subject=INBOUND_SUBJECT, content="Đề nghị các bộ, ngành, địa phương đẩy mạnh gửi, nhận văn bản điện tử.",
        signer_info=edxml.SignerInfo(competence="KT. BỘ TRƯỞNG, CHỦ NHIỆM", position="Phó Chủ nhiệm",
                                     full_name="Nguyễn Văn Mẫu"),
        due_date=today + dt.timedelta(days=14),
    )
    package = edxml.DocumentPackage(header=header, attachments=(
        edxml.Attachment(name="1234-VPCP-KSTT.pdf", content_type="application/pdf", data=buffer.getvalue()),))
    return edxml.document_package_build(package)


def demo_hub_prepare(*, port: int = DEMO_HUB_PORT) -> DemoHub:
    """Migrate the demo hub's database, connect the two systems, register their agencies, mark the demo's agencies
    hub-enabled, and — once — send the national system's công văn to UBND tỉnh Demo (a hub is started for that
    when none answers on ``port``). Running it again changes nothing."""
    secret, national = demo_hub_secrets()
    _hub("migrate")
    ours = Agency.objects.filter(Q(organ_id__isnull=False) & ~Q(organ_id=""), is_active=True, kind="STATE")
    codes = list(ours.order_by("id").values_list("organ_id", flat=True))
    ours.update(hub_enabled=True)
    args = ["system", "add", "--system-id", DEMO_SYSTEM, "--name", "Tỉnh Demo"]
    for code in codes:
        args += ["--agency", code or ""]
    _hub(*args, secret=secret)
    args = ["system", "add", "--system-id", NATIONAL_SYSTEM, "--name", "Trục liên thông quốc gia (demo)"]
    for code, _name in NATIONAL_AGENCIES:
        args += ["--agency", code]
    _hub(*args, secret=national)
    for code, name in NATIONAL_AGENCIES:
        _hub("agency", "add", "--code", code, "--name", name, "--system", NATIONAL_SYSTEM)
    url = f"http://127.0.0.1:{port}"
    marker = Path(settings.VAR_DIR) / "hub_demo_inbound_sent"
    province = ours.filter(parent__isnull=True).order_by("id").first()
    sent = False
    if province is not None and not marker.exists():
        server = None
        if not _answers(port):
            env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
            server = subprocess.Popen([sys.executable, "-m", "vanthu.cli", "hub", "serve", "--port", str(port)],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while not _answers(port) and time.monotonic() < deadline:
                time.sleep(0.2)
        try:
            client = HubClient(endpoint=url, system_id=NATIONAL_SYSTEM, secret=national)
            client.send(package=_inbound_package(province), from_organ_id=NATIONAL_AGENCIES[0][0],
                        message_type="edoc", to=[province.organ_id or ""])
            marker.write_text(timezone.now().isoformat())
            sent = True
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    return DemoHub(url=url, secret=secret, national_secret=national, agencies=len(codes), sent_inbound=sent)

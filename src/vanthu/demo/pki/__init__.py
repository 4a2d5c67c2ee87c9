"""``vanthu pki init``: the demo PKI for Tỉnh Demo as files — one personal certificate and signature image per
demo leader, one agency certificate and seal image per demo agency. KHÔNG DÙNG CHO MỤC ĐÍCH THẬT."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from vanthu.demo.data import AGENCIES, AgencySpec
from vanthu.signing.pki.builder import BuiltPki, build_pki, exists, load_pki
from vanthu.signing.pki.images import DPI, SEAL_DIAMETER_MM, seal_png, signature_png
from vanthu.signing.pki.nss import certutil_available, create_nss_db
from vanthu.signing.pki.spec import LeafSpec, agency, person

DEFAULT_PORT = 8799
MANIFEST = "manifest.json"
README = "README.txt"
COMMUNE_DEPUTY = "Lò Văn Sơn"  # communes' deputy chairman in the demo data (AgencySpec leaves it empty)

README_TEXT = """PKI DEMO CỦA VANTHU — KHÔNG DÙNG CHO MỤC ĐÍCH THẬT
=================================================

Thư mục này chứa một hạ tầng khóa công khai GIẢ LẬP cho dữ liệu "Tỉnh Demo": CA gốc, CA trung gian, chứng thư
dịch vụ cấp dấu thời gian (TSA) và OCSP, chứng thư cá nhân của lãnh đạo, chứng thư cơ quan, ảnh chữ ký và ảnh
con dấu. Khóa bí mật được lưu KHÔNG MÃ HÓA trong keys/.

KHÔNG DÙNG CHO MỤC ĐÍCH THẬT. Chữ ký tạo bằng các chứng thư này không có giá trị pháp lý; không bao giờ nhập
CA gốc này vào kho tin cậy của một hệ thống thật.

Demo PKI for Vanthu — NOT FOR REAL USE. Unencrypted private keys; signatures made with these certificates have
no legal value. Never trust this root outside a demo or test installation.

- root.pem, intermediate.pem     CA certificates (trust root.pem in demo mode only)
- certs/<nhãn>.pem, keys/<nhãn>.key.pem   certificate and private key of every identity (see manifest.json)
- images/                        signature (blue) and seal (red, {diameter} mm at {dpi} dpi) PNG images
- nssdb/                         NSS database trusting the root, for `pdfsig -nssdir nssdb`
- `vanthu pki serve` runs the TSA / OCSP / CRL service at {prefix}
"""


@dataclass(frozen=True)
class LeaderEntry:
    username: str
    full_name: str
    agency_slug: str
    position: str
    cert: str
    key: str
    signature_image: str


@dataclass(frozen=True)
class AgencyEntry:
    slug: str
    name: str
    organ_id: str
    cert: str
    key: str
    seal_image: str
    seal_diameter_mm: float
    dpi: int


def _leaders(spec: AgencySpec) -> list[tuple[str, str, str]]:
    """(username, full name, position) of the agency's two leaders — the same rule as ``vanthu.demo.org``."""
    head_login = "chutich" if spec.head == "Chủ tịch" else "giamdoc"
    deputy_name = spec.deputy_name or COMMUNE_DEPUTY
    return [(f"{head_login}.{spec.slug}", spec.head_name, spec.head),
            (f"pho{head_login}.{spec.slug}", deputy_name, spec.deputy)]


def agency_label(spec: AgencySpec) -> str:
    return f"agency.{spec.slug}"


def demo_leaves(agencies: Sequence[AgencySpec] = AGENCIES) -> list[LeafSpec]:
    leaves: list[LeafSpec] = []
    for spec in agencies:
        leaves.extend(person(username, full_name, agency=spec.name) for username, full_name, _ in _leaders(spec))
        leaves.append(agency(agency_label(spec), spec.name, spec.organ_id))
    return leaves


def _write_images(directory: Path, specs: Sequence[AgencySpec]) -> tuple[list[LeaderEntry], list[AgencyEntry]]:
    images = directory / "images"
    images.mkdir(parents=True, exist_ok=True)
    leaders: list[LeaderEntry] = []
    agencies: list[AgencyEntry] = []
    for spec in specs:
        for username, full_name, position in _leaders(spec):
            image = f"images/{username}.signature.png"
            (directory / image).write_bytes(signature_png(full_name))
            leaders.append(LeaderEntry(username, full_name, spec.slug, position, f"certs/{username}.pem",
                                       f"keys/{username}.key.pem", image))
        label = agency_label(spec)
        seal = f"images/{spec.slug}.seal.png"
        (directory / seal).write_bytes(seal_png(spec.name, place="Tỉnh Demo"))
        agencies.append(AgencyEntry(spec.slug, spec.name, spec.organ_id, f"certs/{label}.pem",
                                    f"keys/{label}.key.pem", seal, SEAL_DIAMETER_MM, DPI))
    return leaders, agencies


def init_demo_pki(directory: Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                  force: bool = False, agencies: Sequence[AgencySpec] = AGENCIES) -> tuple[BuiltPki, bool]:
    """Create the demo PKI in ``directory``; an existing one is kept unless ``force``. Returns (pki, created)."""
    if exists(directory) and not force:
        return load_pki(directory), False
    if force and directory.exists():
        shutil.rmtree(directory)
    pki = build_pki(directory, leaves=demo_leaves(agencies), url_prefix=f"http://{host}:{port}")
    leader_entries, agency_entries = _write_images(directory, agencies)
    if certutil_available():
        create_nss_db(directory / "nssdb", root_pem=pki.root_pem_path, intermediate_pem=pki.intermediate_pem_path)
    manifest = {
        "warning": "KHÔNG DÙNG CHO MỤC ĐÍCH THẬT — demo PKI, not for production",
        "root": "root.pem", "intermediate": "intermediate.pem", "tsa_cert": "certs/tsa.pem",
        "services": pki.urls,
        "leaders": [asdict(e) for e in leader_entries],
        "agencies": [asdict(e) for e in agency_entries],
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    (directory / README).write_text(README_TEXT.format(diameter=SEAL_DIAMETER_MM, dpi=DPI, prefix=pki.url_prefix),
                                    encoding="utf-8")
    return pki, True

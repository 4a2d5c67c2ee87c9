"""What a demo/test PKI contains: the CAs, the service certificates and the leaf certificates.

Validity windows are relative to the moment the PKI is generated, so tests work on any date.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

ARCH = "vanthu-demo"
ROOT_CN = "Vanthu Demo Root CA — KHÔNG DÙNG THẬT"
INTERMEDIATE_CN = "Vanthu Demo Issuing CA — KHÔNG DÙNG THẬT"
DEMO_COUNTRY = "VN"
DEMO_ORG = "Vanthu Demo PKI (KHÔNG DÙNG THẬT)"


class KeyKind(enum.StrEnum):
    RSA_2048 = "rsa2048"
    RSA_3072 = "rsa3072"
    EC_P256 = "ec-p256"


class Validity(enum.StrEnum):
    CURRENT = "current"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"


@dataclass(frozen=True)
class LeafSpec:
    """A signer certificate issued by the intermediate CA.

    ``name`` is the subject DN as certomancer name keys (``common-name``, ``organization-name``…).
    """

    label: str
    name: dict[str, str]
    key: KeyKind = KeyKind.RSA_2048
    validity: Validity = Validity.CURRENT
    revoked: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        if self.validity is Validity.EXPIRED:
            return now - timedelta(days=730), now - timedelta(days=30)
        if self.validity is Validity.NOT_YET_VALID:
            return now + timedelta(days=30), now + timedelta(days=730)
        return now - timedelta(days=365), now + timedelta(days=3 * 365)


def person(label: str, full_name: str, *, key: KeyKind = KeyKind.RSA_2048, validity: Validity = Validity.CURRENT,
           revoked: bool = False, agency: str | None = None) -> LeafSpec:
    name = {"country-name": DEMO_COUNTRY, "common-name": full_name}
    if agency:
        name["organization-name"] = agency
    return LeafSpec(label=label, name=name, key=key, validity=validity, revoked=revoked)


def agency(label: str, agency_name: str, organ_id: str, *, key: KeyKind = KeyKind.RSA_2048) -> LeafSpec:
    """An organisation certificate: O = the agency, OU carries its QCVN 102 organ code."""
    return LeafSpec(label=label, key=key, name={
        "country-name": DEMO_COUNTRY,
        "organization-name": agency_name,
        "organizational-unit-name": f"Mã định danh: {organ_id}",
        "common-name": agency_name,
    })


def test_leaves() -> list[LeafSpec]:
    """The fixed set of leaves the test fixture provides (labels are the contract with other tests)."""
    return [
        person("person-rsa", "Nguyễn Văn An", agency="UBND tỉnh Demo"),
        person("person-ec", "Trần Thị Bình", key=KeyKind.EC_P256, agency="UBND tỉnh Demo"),
        agency("agency-rsa", "UBND tỉnh Demo", "H99"),
        person("expired", "Lê Văn Hết Hạn", validity=Validity.EXPIRED),
        person("not-yet-valid", "Phạm Thị Chưa Tới", validity=Validity.NOT_YET_VALID),
        person("revoked", "Hoàng Văn Thu Hồi", revoked=True),
    ]

"""An NSS database trusting the demo root, for poppler's ``pdfsig -nssdir``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT_NICKNAME = "Vanthu Demo Root CA"
INTERMEDIATE_NICKNAME = "Vanthu Demo Issuing CA"


def certutil_available() -> bool:
    return shutil.which("certutil") is not None


def create_nss_db(nss_dir: Path, *, root_pem: Path, intermediate_pem: Path | None = None) -> Path:
    """Create (or refresh) ``nss_dir`` as an SQL NSS database with an empty password trusting ``root_pem``."""
    nss_dir.mkdir(parents=True, exist_ok=True)
    db = f"sql:{nss_dir}"
    if not (nss_dir / "cert9.db").exists():
        subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    for nickname in (ROOT_NICKNAME, INTERMEDIATE_NICKNAME):  # re-init replaces an older root of the same name
        subprocess.run(["certutil", "-D", "-d", db, "-n", nickname], check=False, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", db, "-n", ROOT_NICKNAME, "-t", "CT,C,C", "-i", str(root_pem)],
                   check=True, capture_output=True)
    if intermediate_pem is not None:
        subprocess.run(["certutil", "-A", "-d", db, "-n", INTERMEDIATE_NICKNAME, "-t", ",,", "-i",
                        str(intermediate_pem)], check=True, capture_output=True)
    return nss_dir

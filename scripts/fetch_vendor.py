#!/usr/bin/env python3
"""Fetch the browser libraries the UI uses into ``src/vanthu/static/vendor/`` (standard library only).

We never commit downloaded code: each package is fetched with ``npm pack <name>@<exact version>`` into a
temporary folder and only the distribution files we serve are copied out. Run again and it does nothing
for packages already present at the pinned version (a ``.version`` file records what was taken).

    python scripts/fetch_vendor.py            # fetch what is missing
    python scripts/fetch_vendor.py --force    # fetch everything again
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent.parent / "src" / "vanthu" / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    folder: str  # name under static/vendor/
    npm_name: str
    version: str
    files: dict[str, str]  # path inside the tarball -> path under static/vendor/<folder>/
    optional: tuple[str, ...] = ()  # licence files some releases leave out


PACKAGES = [
    Package(
        "bootstrap", "bootstrap", "5.3.8",
        {"package/dist/css/bootstrap.min.css": "css/bootstrap.min.css",
         "package/dist/js/bootstrap.bundle.min.js": "js/bootstrap.bundle.min.js",
         "package/LICENSE": "LICENSE"},
    ),
    Package("htmx", "htmx.org", "2.0.11",
            {"package/dist/htmx.min.js": "htmx.min.js", "package/LICENSE": "LICENSE"}),
    # Alpine's CSP build: it reads x-data/x-on expressions with its own small parser instead of new Function(), so
    # the pages work under Content-Security-Policy script-src 'self'. 3.17.4 is the newest CSP release.
    Package("alpinejs-csp", "@alpinejs/csp", "3.17.4",
            {"package/dist/cdn.min.js": "alpine.min.js", "package/LICENSE.md": "LICENSE.md"},
            optional=("package/LICENSE.md",)),
    Package(
        "pdfjs-dist", "pdfjs-dist", "4.10.38",
        {"package/legacy/build/pdf.min.mjs": "pdf.min.mjs",
         "package/legacy/build/pdf.worker.min.mjs": "pdf.worker.min.mjs",
         "package/LICENSE": "LICENSE"},
    ),
]


def _present(package: Package) -> bool:
    target = VENDOR_DIR / package.folder
    stamp = target / ".version"
    if not stamp.exists() or stamp.read_text().strip() != package.version:
        return False
    required = [dest for src, dest in package.files.items() if src not in package.optional]
    return all((target / dest).is_file() for dest in required)


def _safe_member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo | None:
    try:
        member = archive.getmember(name)
    except KeyError:
        return None
    if not member.isfile():  # never follow links or devices out of a downloaded archive
        return None
    return member


def fetch(package: Package) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is required: apt-get install npm")
    with tempfile.TemporaryDirectory(prefix="vanthu-vendor-") as tmp:
        result = subprocess.run(
            [npm, "pack", f"{package.npm_name}@{package.version}", "--silent"],
            cwd=tmp, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"npm pack {package.npm_name}@{package.version} failed:\n{result.stderr}")
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if not tarballs:
            raise SystemExit(f"npm pack produced no tarball for {package.npm_name}")
        staging = Path(tmp) / "out"
        with tarfile.open(tarballs[0], "r:gz") as archive:
            for src, dest in package.files.items():
                member = _safe_member(archive, src)
                if member is None:
                    if src in package.optional:
                        continue
                    raise SystemExit(f"{package.npm_name}@{package.version} has no file {src}")
                handle = archive.extractfile(member)
                if handle is None:
                    raise SystemExit(f"cannot read {src} from {package.npm_name}")
                out = staging / dest
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(handle.read())
        (staging / ".version").write_text(package.version + "\n")
        target = VENDOR_DIR / package.folder
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(staging, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--force", action="store_true", help="fetch again even when present")
    args = parser.parse_args(argv)
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES:
        if not args.force and _present(package):
            print(f"{package.npm_name}@{package.version}: present")
            continue
        print(f"{package.npm_name}@{package.version}: fetching")
        fetch(package)
    return 0


if __name__ == "__main__":
    sys.exit(main())

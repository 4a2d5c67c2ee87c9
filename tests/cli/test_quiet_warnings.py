"""The ``vanthu`` entry point does not print the libraries' warnings to the people running a command; warnings about
our own code still show. Python is started with ``PYTHONWARNINGS=default`` (as under ``-X dev`` or a service that
sets it), which shows deprecation warnings that a plain run hides."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
RAISE_WARNINGS = "; ".join((
    "import warnings",
    "warnings.warn_explicit('pyHanko cu', DeprecationWarning, 'pyhanko/x.py', 1, module='pyhanko.sign.fields')",
    "warnings.warn_explicit('cryptography cu', UserWarning, 'cryptography/utils.py', 1, module='cryptography.utils')",
    "warnings.warn_explicit('aiohttp cu', ResourceWarning, 'aiohttp/client.py', 1, module='aiohttp.client')",
    "warnings.warn_explicit('vanthu cu', DeprecationWarning, 'vanthu/x.py', 1, module='vanthu.signing.pades')",
))


@pytest.fixture(scope="module")
def stderr(tmp_path_factory: pytest.TempPathFactory) -> str:
    env = {**os.environ, "PYTHONWARNINGS": "default", "PYTHONPATH": str(SRC),
           "VANTHU_VAR_DIR": str(tmp_path_factory.mktemp("var")), "DJANGO_SETTINGS_MODULE": "vanthu.config.settings"}
    done = subprocess.run([sys.executable, "-m", "vanthu.cli", "shell", "-c", RAISE_WARNINGS],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_library_warnings_are_not_printed(stderr: str) -> None:
    assert "pyHanko cu" not in stderr and "cryptography cu" not in stderr and "aiohttp cu" not in stderr


def test_warnings_about_our_own_code_are_still_printed(stderr: str) -> None:
    assert "DeprecationWarning: vanthu cu" in stderr

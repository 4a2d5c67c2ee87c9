"""Test settings: same as production but fast hashing, a throwaway var dir and synchronous-free mail capture."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# One private folder per test process: xdist workers inherit the controller's environment, so a shared variable
# would make every worker write blobs into the same media folder.
_VAR = tempfile.mkdtemp(prefix=f"vanthu-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
os.environ["VANTHU_VAR_DIR"] = _VAR
atexit.register(shutil.rmtree, _VAR, True)
os.makedirs(os.path.join(_VAR, "static"), exist_ok=True)  # whitenoise warns about a missing STATIC_ROOT
os.environ.setdefault("VANTHU_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from vanthu.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
VANTHU_PKCS11_MODULES = ["/usr/lib/softhsm/libsofthsm2.so"]  # SoftHSM2 tokens in the signing tests
INSTALLED_APPS = [*INSTALLED_APPS, "vanthu.hub"]  # noqa: F405 - the exchange hub's tables, for tests/hub
# The flush between transactional tests empties the audit table too (core/management/commands/flush.py).
VANTHU_AUDIT_FLUSH_ERASES_LOG = True

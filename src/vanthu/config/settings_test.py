"""Test settings: same as production but fast hashing, a throwaway var dir and synchronous-free mail capture."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("VANTHU_VAR_DIR", tempfile.mkdtemp(prefix="vanthu-test-"))
os.environ.setdefault("VANTHU_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from vanthu.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True

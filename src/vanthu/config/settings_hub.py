"""Settings of the standalone exchange hub (``vanthu hub …``): its own database, no users, sessions or admin.

SQLite ``var/hub.sqlite3`` (WAL) by default; PostgreSQL via ``VANTHU_HUB_DATABASE_URL``. The hub's callers are
machines authenticated by HMAC on every request, so there is no CSRF, session or authentication middleware.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from vanthu.core.env import env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("HOME", str(Path.cwd())))
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
# Nothing is signed with it (no sessions, no CSRF); Django only insists that it is set.
SECRET_KEY = env_str("HUB_SECRET_KEY", "") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = env_list("HUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = ["vanthu.hub"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "vanthu.hub.urls"
ASGI_APPLICATION = "vanthu.hub.asgi:application"
WSGI_APPLICATION = None
TEMPLATES: list[dict[str, object]] = []

_DEFAULT_DB = f"sqlite:///{VAR_DIR / 'hub.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("VANTHU_HUB_DATABASE_URL") or _DEFAULT_DB,
        # Each server thread keeps its connection: a PostgreSQL connection per request would cost more than
        # the request itself. No health check query before every request either; a connection found broken
        # fails that one request (error 9, which clients retry) and is replaced.
        conn_max_age=env_int("HUB_DB_CONN_MAX_AGE", 600),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bind parameters on the server: a package body then travels as binary, not as an escaped SQL literal
    # twice its size that PostgreSQL has to parse.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "vi"
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# The hub reads bodies itself with its own limit (VANTHU_HUB_MAX_PACKAGE_BYTES); Django's cap must not cut in first.
DATA_UPLOAD_MAX_MEMORY_SIZE = None

# docs/standards/hub-api.md#open-points.
VANTHU_HUB_MAX_PACKAGE_BYTES = env_int("HUB_MAX_PACKAGE_BYTES", 50 * 1024 * 1024)
VANTHU_HUB_MAX_DELIVERY_ATTEMPTS = env_int("HUB_MAX_DELIVERY_ATTEMPTS", 5)
VANTHU_HUB_PROCESSING_HIDE_SECONDS = env_int("HUB_PROCESSING_HIDE_SECONDS", 600)
VANTHU_HUB_MAX_CLOCK_SKEW = env_int("HUB_MAX_CLOCK_SKEW", 0)  # seconds; 0 = only logged
# The SDK stamps its JVM's wall clock without a zone; read such timestamps in this one (IANA name).
VANTHU_HUB_CLIENT_TIMEZONE = env_str("HUB_CLIENT_TIMEZONE", "Asia/Ho_Chi_Minh")
VANTHU_HUB_DUPLICATE_WINDOW_HOURS = env_int("HUB_DUPLICATE_WINDOW_HOURS", 24)
VANTHU_HUB_LIST_LIMIT = env_int("HUB_LIST_LIMIT", 1000)
# 0: each worker process runs one request at a time on its event loop (fastest); n: on n threads (vanthu/hub/server.py).
VANTHU_HUB_THREADS = env_int("HUB_THREADS", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

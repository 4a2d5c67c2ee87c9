"""Vanthu settings. SQLite in ``var/`` by default; PostgreSQL via ``DATABASE_URL``."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from vanthu.core.env import env_bool, env_float, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("HOME", str(Path.cwd())))
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    # A laptop install still gets a stable, private key: generated once, kept in var/.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        from django.core.management.utils import get_random_secret_key

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = get_random_secret_key()
        key_file.write_text(SECRET_KEY)
        key_file.chmod(0o600)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "ninja",  # serves the API docs page from its own static files (no CDN, no inline script)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "vanthu.core",
    "vanthu.organizations",
    "vanthu.documents",
    "vanthu.workflows",
    "vanthu.signing",
    "vanthu.exchange",
    "vanthu.reports",
    "vanthu.search",
    "vanthu.notifications",
    "vanthu.api",
    "vanthu.web",
    "vanthu.demo",
    "django.forms",  # last: our templates override its widget templates
]

MIDDLEWARE = [
    "vanthu.core.http.client.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "vanthu.core.http.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vanthu.core.http.characters.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vanthu.organizations.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
    "vanthu.core.http.errors.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "vanthu.config.urls"
# Form widgets render through the project's template engine, so web/templates can replace slow widget templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ASGI_APPLICATION = "vanthu.config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vanthu.organizations.context_processors.actor",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vanthu.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [  # Django's checks, with Vietnamese messages
    {"NAME": "vanthu.organizations.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "vanthu.organizations.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "vanthu.organizations.passwords.CommonPasswordValidator"},
    {"NAME": "vanthu.organizations.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Brute-force protection (organizations/loginguard.py): a username is locked after N failures from any address, and
# an address after N failures whatever usernames it tried. The address is the one the edge computed.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "vanthu.core.http.client.client_address"
AXES_HANDLER = "vanthu.organizations.loginguard.LoginGuardHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["vanthu.config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env_str("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: files above the limit are refused with a clear message (Django's own cap sits just above it).
VANTHU_MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
# Behind a reverse proxy: only these peers (IP addresses or CIDR networks) may say who the client is and whether it
# used HTTPS (X-Forwarded-For, X-Real-IP, X-Forwarded-Proto); from any other peer the headers are dropped
# (vanthu.core.http.client). Empty: Vanthu faces its clients directly and believes no forwarded header.
VANTHU_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
if VANTHU_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Scripts only from our static files: no inline script, no eval (Alpine.js runs its CSP build). Inline style
# attributes stay allowed (progress bars, seal previews). Camera, microphone and the rest are off everywhere; a page
# that needs one (QR scanning) sets its own Permissions-Policy header (vanthu.core.http.headers).
VANTHU_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
VANTHU_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: [] for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "display-capture",
                                "browsing-topics")
}

REDIS_URL = env_str("REDIS_URL", "")
CHANNEL_LAYERS = (
    {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
    if REDIS_URL
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_HOST = env_str("SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SMTP_STARTTLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("MAIL_FROM", "vanthu@localhost")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

VANTHU_SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
VANTHU_REMIND_DAYS_BEFORE = env_int("REMIND_DAYS_BEFORE", 2)
VANTHU_SCAN_MINUTES = env_float("SCAN_MINUTES", 15)  # the deadline scan (đôn đốc) and the e-mail safety net

# Ký số (signing): trust anchors besides the roots a system administrator imports (TrustedRoot), the RFC 3161
# timestamp authority, and the demo PKI folder whose manifest supplies the TSA URL when VANTHU_TSA_URL is empty.
VANTHU_TRUST_ROOTS = env_list("TRUST_ROOTS", [])  # PEM/DER files
VANTHU_TSA_URL = env_str("TSA_URL", "")
VANTHU_DEMO_PKI_DIR = env_str("DEMO_PKI_DIR", str(VAR_DIR / "pki"))
# PKCS#11 libraries users may register tokens/HSMs with (loading a library runs its code: an allow-list).
VANTHU_PKCS11_MODULES = env_list("PKCS11_MODULES", [])

# Wrong PINs in a row before a key device is locked, and for how long (signing.pinguard; a token's own counter
# still applies on top).
VANTHU_SIGNING_PIN_ATTEMPTS = env_int("SIGNING_PIN_ATTEMPTS", 5)
VANTHU_SIGNING_PIN_LOCK_MINUTES = env_int("SIGNING_PIN_LOCK_MINUTES", 15)
# Liên thông văn bản (exchange hub, docs/standards/hub-api.md): this deployment is one hub system sending for all its
# agencies. Empty VANTHU_HUB_URL: not connected (issuing to an agency of another deployment is refused).
VANTHU_HUB_URL = env_str("HUB_URL", "")
VANTHU_HUB_SYSTEM_ID = env_str("HUB_SYSTEM_ID", "")
VANTHU_HUB_SECRET = env_str("HUB_SECRET", "")
VANTHU_HUB_TIMEOUT = env_int("HUB_TIMEOUT", 30)
VANTHU_HUB_POLL_SECONDS = env_float("HUB_POLL_SECONDS", 60)
VANTHU_HUB_MAX_SEND_ATTEMPTS = env_int("HUB_MAX_SEND_ATTEMPTS", 8)
VANTHU_HUB_RETRY_SECONDS = env_float("HUB_RETRY_SECONDS", 30)  # first retry; doubles up to an hour
VANTHU_HUB_HASH_FILE_ENCODING = env_str("HUB_HASH_FILE_ENCODING", "sdk")
VANTHU_HUB_MAX_PACKAGE_BYTES = env_int("HUB_MAX_PACKAGE_BYTES", 50 * 1024 * 1024)
# XML-DSig of our packages with the deployment's exchange certificate (PKCS#12 file + its passphrase).
VANTHU_EDXML_DSIG_ALGORITHM = env_str("EDXML_DSIG_ALGORITHM", "rsa-sha256")
VANTHU_EXCHANGE_CERT_FILE = env_str("EXCHANGE_CERT_FILE", "")
VANTHU_EXCHANGE_CERT_PASSWORD = env_str("EXCHANGE_CERT_PASSWORD", "")
# The account that receives packages and acts for the system (status 01, recall requests).
VANTHU_SYSTEM_USERNAME = env_str("SYSTEM_USERNAME", "hethong")

# Nhật ký hệ thống: signed, timestamped checkpoints of the audit chains, kept outside the database (ADR 0004,
# docs/subsystems/audit.md), made by the worker every AUDIT_CHECKPOINT_MINUTES (0: never). Signed with the exchange
# certificate when there is one, else with a key generated once into AUDIT_KEY_DIR; AUDIT_CHECKPOINT_CERTS lists
# earlier signers' certificates (PEM) that verification still accepts after a renewal.
VANTHU_AUDIT_CHECKPOINT_DIR = env_str("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
VANTHU_AUDIT_CHECKPOINT_MINUTES = env_float("AUDIT_CHECKPOINT_MINUTES", 60)
VANTHU_AUDIT_KEY_DIR = env_str("AUDIT_KEY_DIR", str(VAR_DIR / "audit-key"))
VANTHU_AUDIT_CHECKPOINT_CERTS = env_list("AUDIT_CHECKPOINT_CERTS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_error_traceback": {"()": "vanthu.core.http.logfilters.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # pyHanko and its certificate validator log every OCSP/CRL/TSA request at INFO: one line per fetch.
        **{name: {"level": "WARNING"} for name in ("axes", "pyhanko", "pyhanko_certvalidator")},
        # An ordinary 403 or 400 is one warning line, not a traceback.
        "django.request": {"filters": ["no_client_error_traceback"]},
    },
}

"""Settings: every value that differs between machines is read from the environment.

docs/deploy.md lists each variable once. Without any, the project runs as a development
install on SQLite under ./var, with keys generated on first start and kept in var/dev-keys.json.
"""

import contextlib
import json
import os
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ONEWINDOW_VAR_DIR", Path.cwd() / "var")).resolve()
# var/ holds the SQLite database, the development keys and uploaded materials: owner only.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
with contextlib.suppress(PermissionError):  # a directory given us, owned by someone else
    VAR_DIR.chmod(0o700)

# The county's own wording of notices and letters: a template here (e.g.
# cases/notices/accept.txt) is used instead of the product's (docs/deploy.md).
WORDING_DIR = Path(os.environ.get("ONEWINDOW_WORDING_DIR", VAR_DIR / "wording")).resolve()

PRODUCTION = os.environ.get("ONEWINDOW_ENV", "development") == "production"
# Production serves behind TLS (secure cookies, HSTS; see below) unless plain HTTP is chosen
# explicitly, e.g. on a hall's closed network: passwords and sessions must not cross in clear.
TLS = os.environ.get("ONEWINDOW_TLS", "false").lower() == "true"
ALLOW_PLAIN_HTTP = os.environ.get("ONEWINDOW_ALLOW_PLAIN_HTTP", "false").lower() == "true"
if PRODUCTION and not TLS and not ALLOW_PLAIN_HTTP:
    raise RuntimeError(
        "生产环境须在TLS（HTTPS）之后运行：请设置 ONEWINDOW_TLS=true；确需明文HTTP时请明确设置 "
        "ONEWINDOW_ALLOW_PLAIN_HTTP=true。/ ONEWINDOW_ENV=production needs ONEWINDOW_TLS=true, "
        "or ONEWINDOW_ALLOW_PLAIN_HTTP=true to serve plain HTTP on purpose."
    )
DEBUG = os.environ.get("ONEWINDOW_DEBUG", "false").lower() == "true" and not PRODUCTION


def _dev_keys() -> dict[str, str]:
    """Keys for a development install: generated once, kept beside the database."""
    path = VAR_DIR / "dev-keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_KEY": secrets.token_hex(16),
        "DIGEST_KEY": secrets.token_hex(32),
    }
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys


def _key(name: str) -> str:
    value = os.environ.get(f"ONEWINDOW_{name}")
    if value:
        return value
    if PRODUCTION:
        raise RuntimeError(f"ONEWINDOW_{name} must be set when ONEWINDOW_ENV=production")
    return _dev_keys()[name]


SECRET_KEY = _key("SECRET_KEY")
# SM4 needs a 128-bit key (32 hex digits); the digest key is for HMAC-SM3.
FIELD_KEY = bytes.fromhex(_key("FIELD_KEY"))
DIGEST_KEY = bytes.fromhex(_key("DIGEST_KEY"))

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ONEWINDOW_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_FAILURE_VIEW = "onewindow.web.errors.csrf_failure"
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ONEWINDOW_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "rules",
    "onewindow.documents",
    "onewindow.workdays",
    "onewindow.org",
    "onewindow.accounts",
    "onewindow.catalog",
    "onewindow.mandates",
    "onewindow.exchange",
    "onewindow.cases",
    "onewindow.webhooks",
    "onewindow.supervision",
    "onewindow.reform",
    "onewindow.portal",
    "onewindow.web",
    "onewindow.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "onewindow.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onewindow.web.middleware.SessionRefreshMiddleware",
    "onewindow.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "onewindow.web.errors.MethodNotAllowedMiddleware",
    "onewindow.web.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "onewindow.web.middleware.AbsoluteSessionMiddleware",
    "onewindow.web.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "onewindow.workdays.middleware.CalendarFreshnessMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WORDING_DIR, BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "onewindow.web.context.shell",
            ],
        },
    },
    {
        # The rows of the long work lists (web/jinja.py, decision 81): templates under an app's
        # jinja2/ folder, included from the Django pages with {% jinja %}.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "onewindow.web.jinja.environment"},
    },
]

# Database: SQLite (WAL) by default, anything dj-database-url understands otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onewindow.sqlite3'}"),
        conn_max_age=int(os.environ.get("ONEWINDOW_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The window-work index carries non-key columns (INCLUDE) so that PostgreSQL counts the
    # window's queues from the index alone; SQLite builds it on the key columns, which serves the
    # same queries there, and says so on every check (models.W040).
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on busy_timeout instead of failing on lock upgrade.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _sqlite_file = str(DATABASES["default"]["NAME"])
    if _sqlite_file and _sqlite_file != ":memory:" and not _sqlite_file.startswith("file:"):
        # Personal data: the file is made owner-only before SQLite first opens it (its -wal and
        # -shm files take the database file's mode); an older install's files are narrowed.
        try:
            os.close(os.open(_sqlite_file, os.O_CREAT | os.O_RDWR, 0o600))
            for _suffix in ("", "-wal", "-shm"):
                if os.path.exists(_sqlite_file + _suffix):
                    os.chmod(_sqlite_file + _suffix, 0o600)
        except OSError:  # no such directory, or not ours: SQLite reports it on connect
            pass
# PostgreSQL: server-side binding lets psycopg prepare a statement the second time it runs, so
# the server plans the hot queries (a case move) once per connection, not on every call: one
# process's case transitions 432 → 633 /s (docs/BENCHMARKS.md). ONEWINDOW_DB_PREPARED=0 behind
# a pooler in transaction mode (PgBouncer before 1.21), which cannot keep prepared statements.
elif (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and os.environ.get("ONEWINDOW_DB_PREPARED", "1") != "0"
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache holds the counts of the SMS-rating limits (common/ratelimit.py). Without a URL
# each process counts in its own memory (N gunicorn workers allow N times the limit); a shared
# Redis (ONEWINDOW_CACHE_URL=redis://127.0.0.1:6379/1) makes the limits exact.
CACHE_URL = os.environ.get("ONEWINDOW_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Background jobs: Celery with a broker in production; none configured → `serve` runs the
# periodic jobs in-process (onewindow/jobs.py).
CELERY_BROKER_URL = os.environ.get("ONEWINDOW_BROKER_URL", "")
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
# The provincial platform's endpoint for the case data push (S10); empty: `serve` starts the
# stand-in receiver (development) or nothing is pushed and the outbox keeps everything.
ONEWINDOW_PROVINCE_URL = os.environ.get("ONEWINDOW_PROVINCE_URL", "")
ONEWINDOW_PROVINCE_TOKEN = os.environ.get("ONEWINDOW_PROVINCE_TOKEN", "")
# Webhooks to department systems (onewindow.webhooks): how long a receiver may take to answer,
# and the address the systems reach this platform at (the case link in each delivery; empty:
# the link is the path alone). A receiver on this machine (loopback) is refused unless allowed.
ONEWINDOW_WEBHOOK_TIMEOUT = float(os.environ.get("ONEWINDOW_WEBHOOK_TIMEOUT", "10"))
ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK = (
    os.environ.get("ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK", "false").lower() == "true"
)
ONEWINDOW_PUBLIC_URL = os.environ.get("ONEWINDOW_PUBLIC_URL", "")
# The platform's download interface for the applications it received (a platform that does not
# push them): the job `province-pull` reads it page by page; empty: no pull.
ONEWINDOW_PROVINCE_PULL_URL = os.environ.get("ONEWINDOW_PROVINCE_PULL_URL", "")
ONEWINDOW_PROVINCE_PULL_TOKEN = os.environ.get("ONEWINDOW_PROVINCE_PULL_TOKEN", "")
ONEWINDOW_PROVINCE_PULL_SOURCE = os.environ.get("ONEWINDOW_PROVINCE_PULL_SOURCE", "省一体化平台")
# 数据来源 of every pushed record (the exchange fields of the national data sets).
ONEWINDOW_EXCHANGE_SOURCE = os.environ.get("ONEWINDOW_EXCHANGE_SOURCE", "ONEWINDOW")
ONEWINDOW_SMS_SENDER = os.environ.get("ONEWINDOW_SMS_SENDER", "onewindow.supervision.sms.LogSender")
# Applicant registration (accounts): SMS verification codes per mobile and per client address
# in an hour (counted in CACHES), besides one a minute per mobile.
ONEWINDOW_SMS_CODE_PER_MOBILE = int(os.environ.get("ONEWINDOW_SMS_CODE_PER_MOBILE", "5"))
ONEWINDOW_SMS_CODE_PER_ADDRESS = int(os.environ.get("ONEWINDOW_SMS_CODE_PER_ADDRESS", "20"))
# The province's unified identity (OpenID Connect). Off, and no button on the login page, while
# the issuer is unset. The resident ID claim's name differs between provinces.
ONEWINDOW_OIDC_ISSUER = os.environ.get("ONEWINDOW_OIDC_ISSUER", "").rstrip("/")
ONEWINDOW_OIDC_CLIENT_ID = os.environ.get("ONEWINDOW_OIDC_CLIENT_ID", "")
ONEWINDOW_OIDC_CLIENT_SECRET = os.environ.get("ONEWINDOW_OIDC_CLIENT_SECRET", "")
ONEWINDOW_OIDC_ID_CLAIM = os.environ.get("ONEWINDOW_OIDC_ID_CLAIM", "id_card")
ONEWINDOW_OIDC_SCOPE = os.environ.get("ONEWINDOW_OIDC_SCOPE", "openid profile phone")
# The ID token claim naming the unified social credit code(s) of the legal person(s) the signed-in
# person represents (法人): a registered organisation with that code is verified by it.
ONEWINDOW_OIDC_ORG_CLAIM = os.environ.get("ONEWINDOW_OIDC_ORG_CLAIM", "credit_code")
# SMS rating replies (POST /api/ratings/sms) that match no case with that phone, counted per API
# key and per case number or phone within the window: a few typing errors pass, guessing stops.
ONEWINDOW_SMS_RATING_MISSES_PER_KEY = int(
    os.environ.get("ONEWINDOW_SMS_RATING_MISSES_PER_KEY", "50")
)
ONEWINDOW_SMS_RATING_MISSES_PER_CASE = int(
    os.environ.get("ONEWINDOW_SMS_RATING_MISSES_PER_CASE", "5")
)
ONEWINDOW_SMS_RATING_WINDOW_MINUTES = int(
    os.environ.get("ONEWINDOW_SMS_RATING_WINDOW_MINUTES", "60")
)
# Reform timetable (S18): remind a unit's leader in charge this many working days before a
# task's deadline.
ONEWINDOW_REFORM_REMIND_DAYS = int(os.environ.get("ONEWINDOW_REFORM_REMIND_DAYS", "3"))

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # applicants sign in with their resident ID number or mobile as well as the login name
    "onewindow.accounts.backends.IdentityBackend",
]
PASSWORD_HASHERS = [
    "onewindow.common.passwords.Argon2Hasher",  # Argon2id, 46 MiB (OWASP), not Django's 100 MiB
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "onewindow.common.passwords.CharacterClassValidator"},
    {"NAME": "onewindow.common.passwords.PatternValidator"},
    {"NAME": "onewindow.common.passwords.NotCurrentPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle sessions end after 30 minutes (等保 level 3 expects an idle timeout).
SESSION_COOKIE_AGE = int(os.environ.get("ONEWINDOW_SESSION_SECONDS", "1800"))
# Saved when it changes, or at most once a minute to push the idle expiry forward
# (web.middleware.SessionRefreshMiddleware): not an UPDATE and a commit on every page view.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# ... and every session ends this many hours after login, however busy (web.middleware).
SESSION_MAX_HOURS = float(os.environ.get("ONEWINDOW_SESSION_MAX_HOURS", "12"))
# A notice's QR progress link works until this many days after its case ended (portal).
PROGRESS_LINK_DAYS = int(os.environ.get("ONEWINDOW_PROGRESS_LINK_DAYS", "180"))

AXES_FAILURE_LIMIT = int(os.environ.get("ONEWINDOW_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ONEWINDOW_LOGIN_COOLOFF_MINUTES", "15")))
# Lock an account only at the address it failed from, never everywhere (five guesses must not
# lock an administrator out); lock an address that fails for too many accounts (a password
# spray) or too often within the cool-off. A hall's windows share one NAT address, so the
# address limits are set well above what a hall's typing errors reach (docs/decisions.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "onewindow.web.lockout.LockoutHandler"
ONEWINDOW_LOGIN_ADDRESS_USERNAMES = int(os.environ.get("ONEWINDOW_LOGIN_ADDRESS_USERNAMES", "10"))
ONEWINDOW_LOGIN_ADDRESS_FAILURES = int(os.environ.get("ONEWINDOW_LOGIN_ADDRESS_FAILURES", "30"))
# Behind a reverse proxy REMOTE_ADDR is the proxy's own address: locking it would lock everyone.
# The client is then the address the nearest of N trusted proxies put in X-Forwarded-For. TLS
# means a TLS-terminating proxy in front (deploy.md's nginx), so 1 is the default there.
ONEWINDOW_TRUSTED_PROXIES = int(os.environ.get("ONEWINDOW_TRUSTED_PROXIES", "1" if TLS else "0"))
AXES_CLIENT_IP_CALLABLE = "onewindow.web.lockout.client_address"
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ONEWINDOW_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "onewindow.common.staticfiles.StaticStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("ONEWINDOW_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded materials are personal data: owner-only files and directories.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Largest catalogue file (XLSX or JSON) the import accepts; bigger files are refused unread.
# Largest material file an applicant or window may upload to a case.
CASE_UPLOAD_MAX_BYTES = int(os.environ.get("ONEWINDOW_UPLOAD_MAX_MB", "20")) * 1024 * 1024
CATALOG_IMPORT_MAX_BYTES = int(os.environ.get("ONEWINDOW_IMPORT_MAX_MB", "20")) * 1024 * 1024
# Blank forms and samples of catalogue materials (PDF, DOCX, XLSX, PNG, JPG), and the approval
# seal's impression (PNG, JPG): bytes, and pixels per side for images, because every notice
# decodes the seal (a 12000×12000 seal cost 1.35 GB per notice). Pillow refuses any image over
# twice IMAGE_MAX_PIXELS as a backstop.
CATALOG_FILE_MAX_BYTES = int(os.environ.get("ONEWINDOW_CATALOG_FILE_MAX_MB", "10")) * 1024 * 1024
SAMPLE_IMAGE_MAX_SIDE = int(os.environ.get("ONEWINDOW_SAMPLE_IMAGE_MAX_SIDE", "4000"))
SEAL_IMAGE_MAX_BYTES = int(os.environ.get("ONEWINDOW_SEAL_IMAGE_MAX_MB", "2")) * 1024 * 1024
SEAL_IMAGE_MAX_SIDE = int(os.environ.get("ONEWINDOW_SEAL_IMAGE_MAX_SIDE", "2000"))
IMAGE_MAX_PIXELS = int(os.environ.get("ONEWINDOW_IMAGE_MAX_PIXELS", "16000000"))
# Largest fee (or postage) in yuan a case may record; the column itself holds up to 99,999,999.99.
ONEWINDOW_FEE_MAX_YUAN = Decimal(os.environ.get("ONEWINDOW_FEE_MAX_YUAN", "10000000"))
WHITENOISE_USE_FINDERS = DEBUG

# Security headers; HSTS and secure cookies only behind TLS (ONEWINDOW_TLS=true, read above).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TLS
SECURE_HSTS_SECONDS = 31536000 if TLS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TLS else None
# Content Security Policy (django-csp): scripts only from our own static files, never inline;
# inline style attributes stay allowed (a few templates and ECharts' tooltips use them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No phone number reaches the log, whichever logger writes it (common/masking.py).
    "filters": {
        "mask_mobiles": {"()": "onewindow.common.masking.MaskMobilesFilter"},
        "one_line_refusals": {"()": "onewindow.web.logfilters.NoTracebackBelow500"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_mobiles", "one_line_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ONEWINDOW_LOG_LEVEL", "INFO")},
    # axes and httpx log every attempt and request at INFO: too much for a hall's log.
    "loggers": {"axes": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

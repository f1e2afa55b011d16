"""GovPortal settings.

Every setting comes from the environment, with the embedded default (one machine, SQLite,
database-backed jobs, local-memory cache) when it is not set.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent
BASE_DIR = PROJECT_DIR.parent
# Where the embedded default keeps its state (database file, media, generated secret).
DATA_DIR = Path(os.environ.get("GOVPORTAL_HOME", BASE_DIR / "var")).resolve()

PRODUCTION = os.environ.get("GOVPORTAL_ENV", "").lower() == "production"
DEBUG = os.environ.get("DEBUG", "0" if PRODUCTION else "1") in ("1", "true", "yes")
# `govportal serve` (and gunicorn started any other way) is production: DEBUG off whatever the environment.
# Only a `govportal demo --debug` run on a loopback address may turn it on (GOVPORTAL_DEMO_DEBUG, set by it).
if (
    os.environ.get("GOVPORTAL_SERVE") == "1"
    or Path(sys.argv[0]).name == "gunicorn"
    or sys.argv[1:2] == ["serve"]
) and os.environ.get("GOVPORTAL_DEMO_DEBUG") != "1":
    DEBUG = False
if PRODUCTION and DEBUG:
    # The debug page shows every setting to whoever provokes an error: never on a production site.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "生产环境（GOVPORTAL_ENV=production）不得开启 DEBUG：请删除环境变量 DEBUG 或设为 0。"
    )


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("生产环境必须设置环境变量 SECRET_KEY。")
    # Demo / development: generate once and keep it beside the database.
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        return key


SECRET_KEY = _secret_key()


def _allowed_hosts() -> list[str]:
    """ALLOWED_HOSTS: required in production, and never "*" there (a page cached or a link in a mail built
    for any Host header a visitor sends). Development: this machine's names (``<locality>.localhost`` too)."""
    raw = os.environ.get("ALLOWED_HOSTS", "")
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    if not PRODUCTION:
        # .test is reserved for testing (RFC 2606): the test suite's sites use it.
        return hosts or ["localhost", ".localhost", ".test", "127.0.0.1", "[::1]", "testserver"]
    from django.core.exceptions import ImproperlyConfigured

    if not hosts:
        raise ImproperlyConfigured(
            "生产环境必须设置环境变量 ALLOWED_HOSTS：本网站的域名，多个用英文逗号分隔，"
            "例如 ALLOWED_HOSTS=www.example.gov.cn,example.gov.cn。"
        )
    if any(h == "*" or h == "." for h in hosts):
        raise ImproperlyConfigured(
            "生产环境的 ALLOWED_HOSTS 不得为“*”：请逐个列出本网站的域名（如 www.example.gov.cn）。"
        )
    return hosts


ALLOWED_HOSTS = _allowed_hosts()
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "govportal.accounts",
    "govportal.notices",  # issue 14: one inbox for every app
    "govportal.assessment.annual",  # issue 17: the national annual reports
    "govportal.portal",
    "govportal.publishing",
    "govportal.interaction",
    "govportal.search",
    "govportal.monitoring",
    "govportal.ops",
    "govportal.participation",
    "govportal.assessment",
    "govportal.api",  # issue 18: the open API (/api/v1/)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "govportal.accounts.users_app.UsersConfig",  # wagtail.users, with our user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_ratelimit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # its zh-hans catalogue: Wagtail shows "40 分钟之前" through naturaltime
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
]

MIDDLEWARE = [
    # A missing or foreign Host gets a plain 400 page before anything else (never the debug page).
    "govportal.security.middleware.HostCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, before the public-page cache: a cached page carries it too.
    "govportal.security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The back office only from the networks the profile allows (GOVPORTAL_ADMIN_NETWORKS overrides).
    "govportal.security.middleware.AdminNetworkMiddleware",
    # Without nginx: published pages answered from the publish directory (before sessions: they skip them).
    "govportal.publishing.static_site.PublishedPageMiddleware",
    # Responses that are not the same for everyone are marked private: no shared cache keeps them.
    "govportal.publishing.static_site.NoSharedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Back-office session rules: idle expiry, one session per account, two-factor step, password expiry.
    "govportal.accounts.middleware.BackOfficeSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A refused column or item says which unit it belongs to (before Wagtail's bare refusal).
    "govportal.portal.refusals.ColumnRefusalMiddleware",
    # A new item in the page editor is stored whole or not at all (a node dying half-way leaves no draft).
    "govportal.publishing.middleware.AtomicPageCreateMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govportal.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "govportal.portal.context_processors.portal",
            ],
        },
    },
]
WSGI_APPLICATION = "govportal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'govportal.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the job worker run beside a writer. A transaction takes the write lock when it
    # begins (IMMEDIATE), so an editor's publish waits (up to 20 s) for the job worker's write to end
    # instead of failing at once with "database is locked" when a read transaction turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate-limit counters (govportal/ratelimits.py) must be shared by every worker process: Redis when set,
# else a file cache with atomic counting in $GOVPORTAL_HOME (one machine, many processes).
CACHES["ratelimit"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "gp-rl",
    }
    if REDIS_URL
    else {
        "BACKEND": "govportal.ratelimits.AtomicFileCache",
        "LOCATION": str(DATA_DIR / "cache" / "ratelimit"),
        "TIMEOUT": 86400,
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
    }
)
RATELIMIT_USE_CACHE = "ratelimit"
# django-ratelimit knows neither Django's own RedisCache nor our atomic file cache by name (both count
# atomically across processes); the stock locmem/file/db caches would be refused by its check E003.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# Per-address limits of the public forms: "form=rate[,rate],…" (see DEFAULT_LIMITS in govportal/ratelimits.py).
GOVPORTAL_RATE_LIMITS = {
    name: rates.replace(";", ",")
    for name, _, rates in (
        part.partition("=") for part in os.environ.get("GOVPORTAL_RATE_LIMITS", "").split(" ") if part
    )
}
# The public forms' CAPTCHA: "near" (only once an address has used half of a limit), "always" or "never".
GOVPORTAL_CAPTCHA = os.environ.get("GOVPORTAL_CAPTCHA", "near")

# Static publishing (govportal/publishing/static_site.py): public pages written to PUBLISH_ROOT when they
# change, served from there by nginx (deploy/nginx/) or, without it, by the app. On by default; off under
# the test runner and Django's development server unless GOVPORTAL_STATIC_PUBLISHING=1.
STATIC_PUBLISHING = os.environ.get(
    "GOVPORTAL_STATIC_PUBLISHING",
    "0" if ("pytest" in sys.modules or "runserver" in sys.argv[1:2]) else "1",
).lower() in ("1", "true", "yes")
PUBLISH_ROOT = Path(os.environ.get("PUBLISH_ROOT", DATA_DIR / "publish"))
# Pages are rendered by the job worker (queue "publish"; the editor's request only enqueues) unless
# GOVPORTAL_STATIC_PUBLISHING_SYNC=1 (on under the test runner): then in the request, after the commit.
STATIC_PUBLISHING_SYNC = os.environ.get(
    "GOVPORTAL_STATIC_PUBLISHING_SYNC", "1" if "pytest" in sys.modules else "0"
).lower() in ("1", "true", "yes")
# A shared page (column list, home page) that the publish worker began to render more than this many seconds
# after a change was queued already shows it, and is not rendered again for that change: the largest
# difference expected between the app nodes' clocks (static_site, "A burst of publishes is rendered once").
STATIC_PUBLISHING_CLOCK_MARGIN = float(os.environ.get("GOVPORTAL_STATIC_PUBLISHING_CLOCK_MARGIN", "0.5"))
if os.environ.get("GOVPORTAL_X_ACCEL") == "1":  # behind deploy/nginx/: nginx sends checked documents
    SENDFILE_BACKEND = "govportal.ops.sendfile_nginx"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "publish"]}}
# --- jobs on Redis (issue 18; govportal/ops/workers.py) ----------------------------------------------------
# With REDIS_URL set, tasks go to RQ workers on Redis (`govportal jobs --worker` on any number of machines),
# each job retried when it fails or its worker dies; GOVPORTAL_TASKS=database keeps the database worker.
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": int(os.environ.get("GOVPORTAL_TASK_TIMEOUT", "3600")),
        "QUEUE_CLASS": "govportal.ops.workers.RetryingQueue",
    }
}
RQ_QUEUES["publish"] = dict(RQ_QUEUES["default"])  # static publishing's queue (govportal/publishing/tasks.py)
if REDIS_URL and os.environ.get("GOVPORTAL_TASKS", "rq").lower() != "database":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "publish"]}}
    INSTALLED_APPS.append("django_rq")
# --- end jobs on Redis --------------------------------------------------------------------------------------

# Password rules come from the policy profile of the person's locality (govportal/accounts/passwords.py):
# length and character classes ([password] of the profile, or the platform floor), no user or unit name
# inside, no reuse of the last N passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "govportal.accounts.passwords.ProfileLengthValidator"},
    {"NAME": "govportal.accounts.passwords.ProfileClassesValidator"},
    {"NAME": "govportal.accounts.passwords.NoNameInsideValidator"},
    {"NAME": "govportal.accounts.passwords.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: a locked-out account or address is refused before its password is checked
    # (AxesBackend is a ModelBackend too, so sessions made by force_login in tests keep working).
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes, database handler: every worker process shares the counters): after
# GOVPORTAL_LOGIN_FAILURE_LIMIT failed logins of one account, or from one address, further attempts are
# refused until GOVPORTAL_LOCKOUT_MINUTES after the last one.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("GOVPORTAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GOVPORTAL_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "govportal.accounts.views.lockout_response"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# The project's one visitor address: REMOTE_ADDR, or the forwarded one behind GOVPORTAL_TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "govportal.ratelimits.client_ip"
WAGTAILADMIN_USER_LOGIN_FORM = "govportal.accounts.admin_forms.LoginForm"
# Back-office sessions end when the browser closes and after GOVPORTAL_IDLE_MINUTES without a request
# (the profile's [accounts] idle_minutes wins when it sets one); GOVPORTAL_SINGLE_SESSION=1 keeps one
# session per account (a new login ends the older one).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("GOVPORTAL_SESSION_MAX_HOURS", "12")) * 3600
GOVPORTAL_IDLE_MINUTES = int(os.environ.get("GOVPORTAL_IDLE_MINUTES", "30"))
GOVPORTAL_SINGLE_SESSION = os.environ.get("GOVPORTAL_SINGLE_SESSION", "0").lower() in ("1", "true", "yes")
# Two-factor sign-in (django-otp TOTP) for the roles the profile names. Off under the test runner, whose
# tests log people in with force_login; tests/accounts turns it on where it is the subject.
GOVPORTAL_TWO_FACTOR = os.environ.get(
    "GOVPORTAL_TWO_FACTOR", "0" if "pytest" in sys.modules else "1"
).lower() in ("1", "true", "yes")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "GovPortal")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = False
TIME_ZONE = "Asia/Shanghai"
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
USE_I18N = True
# Our zh-hans catalogue for what Wagtail's own lacks (govportal/locale/README.md); it takes precedence.
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# --- media on S3-compatible object storage (issue 18; django-storages) -------------------------------------
# GOVPORTAL_S3_BUCKET set: uploads go to that bucket (GOVPORTAL_S3_ENDPOINT_URL for MinIO, 华为云 OBS, 阿里云
# OSS, … ; keys in GOVPORTAL_S3_ACCESS_KEY / GOVPORTAL_S3_SECRET_KEY, or the machine's role). The bucket stays
# private: a file's URL is signed and short-lived (GOVPORTAL_S3_URL_EXPIRE seconds), and documents are served
# only through Wagtail's view, which checks a private collection's restriction before redirecting to such a
# URL. Image renditions (public by nature) get plain URLs under GOVPORTAL_S3_PUBLIC_URL, the web front's
# address that proxies the bucket's renditions folder (docs/deploy.md), so visitors never see the bucket.
GOVPORTAL_S3_BUCKET = os.environ.get("GOVPORTAL_S3_BUCKET", "")
if GOVPORTAL_S3_BUCKET:
    _S3 = {
        "bucket_name": GOVPORTAL_S3_BUCKET,
        "endpoint_url": os.environ.get("GOVPORTAL_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("GOVPORTAL_S3_REGION") or None,
        "access_key": os.environ.get("GOVPORTAL_S3_ACCESS_KEY") or None,
        "secret_key": os.environ.get("GOVPORTAL_S3_SECRET_KEY") or None,
        "location": os.environ.get("GOVPORTAL_S3_PREFIX", "media"),
        "default_acl": None,  # the bucket's own policy (private)
        "file_overwrite": False,  # two uploads of 通知.pdf are two files
        "addressing_style": os.environ.get("GOVPORTAL_S3_ADDRESSING", "path"),
        "signature_version": "s3v4",
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("GOVPORTAL_S3_URL_EXPIRE", "300")),
        },
    }
    _public = os.environ.get("GOVPORTAL_S3_PUBLIC_URL", "")  # e.g. https://www.example.gov.cn/media
    STORAGES["public_media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "querystring_auth": not _public,
            **({"custom_domain": _public.split("://", 1)[-1].rstrip("/")} if _public else {}),
            "url_protocol": (_public.split("://", 1)[0] + ":") if "://" in _public else "https:",
        },
    }
    WAGTAILIMAGES_RENDITION_STORAGE = "public_media"
    # The files are not on this machine: Wagtail's document view checks the restriction, then redirects
    # to the signed URL (instead of streaming every download through the application); see below.
# --- end media on S3 ----------------------------------------------------------------------------------------
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "GovPortal 政府网站集约化平台")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "doc",
    "docx",
    "et",
    "mp4",  # videos of items and interpretations: uploaded as documents, served by the site itself
    "ofd",
    "pdf",
    "pptx",
    "txt",
    "webm",
    "wps",
    "xls",
    "xlsx",
    "zip",
]
# Uploads are judged by content against a list per kind (govportal/security/uploads.py, 酉阳办法第二十九条);
# limits per kind in MB (GOVPORTAL_UPLOAD_MAX_MB_DOCUMENT / _IMAGE / _VIDEO); Wagtail's own cap is the largest.
GOVPORTAL_UPLOAD_MAX_MB = {
    k: float(os.environ.get(f"GOVPORTAL_UPLOAD_MAX_MB_{k.upper()}", v))
    for k, v in {"document": 50, "image": 10, "video": 200}.items()
}
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(max(GOVPORTAL_UPLOAD_MAX_MB.values()) * 1024 * 1024)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(GOVPORTAL_UPLOAD_MAX_MB["image"] * 1024 * 1024)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "govportal.security.forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "govportal.security.forms.ImageForm"
# Documents are served only by Wagtail's view, which checks a private collection's restriction; the raw
# /media/documents/ path refuses private ones (govportal/security/media.py).
WAGTAILDOCS_SERVE_METHOD = "redirect" if GOVPORTAL_S3_BUCKET else "serve_view"  # S3: docs/deploy.md
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# An item approved at the last review stage is published by the review itself (govportal.publishing):
# the approval chain is the authority, whichever stage signed last.
WAGTAIL_FINISH_WORKFLOW_ACTION = "govportal.publishing.finish.publish_approved"
# Text changed during review (by a reviewer, or by the editor after a return) is reviewed again from the
# start: an approval covers the revision it was given on (三审三校, 酉阳办法第二十二条).
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "govportal@localhost")

# Monitoring alerts (govportal.monitoring.alerts) and the tamper check (govportal.monitoring.tamper).
GOVPORTAL_ALERT_WEBHOOK_URL = os.environ.get("GOVPORTAL_ALERT_WEBHOOK_URL", "")
GOVPORTAL_ALERT_WEBHOOK_SECRET = os.environ.get("GOVPORTAL_ALERT_WEBHOOK_SECRET", "")
GOVPORTAL_SMS_SENDER = os.environ.get("GOVPORTAL_SMS_SENDER", "govportal.sms.LoggingSender")
GOVPORTAL_PUBLIC_BASE_URL = os.environ.get("GOVPORTAL_PUBLIC_BASE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- security headers and cookies (issue 12; govportal/security/) -------------------------------------------
# Django's SecurityMiddleware: nosniff, Referrer-Policy, Cross-Origin-Opener-Policy on every response it sees
# (the public-page cache sits inside it, so cached pages get them too); HSTS and Secure cookies in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview panel marks its own views SAMEORIGIN
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # Wagtail's admin reads the token from the page, not from the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0") in (
        "1",
        "true",
        "yes",
    )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # TLS ends at the front (nginx); it says so in X-Forwarded-Proto, which only it may set.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "0") in ("1", "true", "yes")

# Content-Security-Policy (django-csp). The public site: no inline script, no eval, nothing from another
# origin. <script type="application/json"> data blocks (json_script) are not scripts for CSP and need nothing.
# Styles: 'unsafe-inline' because ECharts writes style attributes into its tooltips and the error pages carry
# a <style> block; a style cannot run code.
_CSP_COMMON = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "upgrade-insecure-requests": PRODUCTION,
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The back office (Wagtail 8): its templates still write inline <script> (InlinePanel, the date and time
# widgets, the multiple chooser panel), so script-src needs 'unsafe-inline' there; no eval, nothing from
# another origin, frames only of itself (the preview panel). See docs/security.md.
GOVPORTAL_ADMIN_CSP = {
    **_CSP_COMMON,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}

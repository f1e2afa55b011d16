"""GovPortal settings.

Every setting comes from the environment, with the embedded default (one machine, SQLite,
database-backed jobs, local-memory cache) when it is not set.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent
BASE_DIR = PROJECT_DIR.parent
# Where the embedded default keeps its state (database file, media, generated secret).
DATA_DIR = Path(os.environ.get("GOVPORTAL_HOME", BASE_DIR / "var")).resolve()

PRODUCTION = os.environ.get("GOVPORTAL_ENV", "").lower() == "production"
DEBUG = os.environ.get("DEBUG", "0" if PRODUCTION else "1") in ("1", "true", "yes")


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
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "govportal.accounts",
    "govportal.portal",
    "govportal.publishing",
    "govportal.interaction",
    "govportal.search",
    "govportal.monitoring",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the cache publishing invalidates (before sessions: a hit skips them).
    "govportal.publishing.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "public_pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gp-pages",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Shared by every worker process of the machine (local memory would be one per process).
        "public_pages": {
            "BACKEND": "govportal.publishing.cache.PageFileCache",
            "LOCATION": str(DATA_DIR / "cache" / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
        },
    }
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

# Public-page cache (govportal/publishing/cache.py). On by default; off under the test runner and
# Django's development server (where templates change under your feet) unless GOVPORTAL_PUBLIC_CACHE=1.
PUBLIC_CACHE_ENABLED = os.environ.get(
    "GOVPORTAL_PUBLIC_CACHE",
    "0" if ("pytest" in sys.modules or "runserver" in sys.argv[1:2]) else "1",
).lower() in ("1", "true", "yes")
PUBLIC_CACHE_TIMEOUT = int(os.environ.get("GOVPORTAL_PUBLIC_CACHE_TIMEOUT", "3600"))

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = False
TIME_ZONE = "Asia/Shanghai"
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
USE_I18N = True
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
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

"""Settings every environment shares, read from the environment.

What differs between environments (the secret key, DEBUG, allowed hosts, database connection
lifetime, static files storage, the email backend, HTTPS) is set by ``development.py`` and
``production.py``, so this module is not a settings module on its own. Every variable is
listed in README.md.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF

from .env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- Core --------------------------------------------------------------------------------

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# A refused article form (a stale token: logged in again in another tab) shows the text back.
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Apps and middleware -----------------------------------------------------------------

INSTALLED_APPS = [
    # Django
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, branded
    "django.contrib.sitemaps",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "allauth",
    "allauth.account",
    "taggit",
    "csp",
    "django_ratelimit",
    # Background jobs (newsroom/tasks.py): Django 6's django.tasks, backported, and its
    # database backend with the db_worker command.
    "django_tasks",
    "django_tasks_db",
    # Editorial admin: rich text editor, revisions, image renditions.
    "django_prose_editor",
    "simple_history",
    "imagekit",
    # Local
    "accounts",
    "articles",
]

MIDDLEWARE = [
    # One log line per request, timed around everything below.
    "newsroom.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy and Cross-Origin-Resource-Policy, on static files too.
    "newsroom.middleware.SecurityHeadersMiddleware",
    # django-csp's, with the admin's own policy on the admin.
    "newsroom.middleware.NewsroomCSPMiddleware",
    # Static files answer here, already compressed, before anything below runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database or Redis that does not answer: a 503 page, not a 500.
    "newsroom.middleware.UnavailableMiddleware",
    # HTML, feeds and sitemaps compressed; then ETag and 304 answers to conditional requests
    # (on the uncompressed body, so both encodings share one ETag, made weak by gzip).
    "newsroom.middleware.TextGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous readers' pages from the page cache: a hit goes no further down.
    "newsroom.page_cache.PageCacheMiddleware",
    # Anonymous readers' pages read from DATABASE_REPLICA_URL when there is one.
    "newsroom.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records who made each revision (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # An imported site's old addresses (/2019/03/04/slug/, /?p=123): a 301 to their page.
    "articles.middleware.LegacyRedirectMiddleware",
]

# --- Templates ---------------------------------------------------------------------------

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------

# An SQLite file unless DATABASE_URL names another database; each environment sets
# CONN_MAX_AGE (DATABASE_CONN_MAX_AGE).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes a few writers at once: each write transaction takes the
    # write lock when it begins (two that began as reads could not both upgrade: "database
    # is locked" at once), waits up to 20 s for it, and readers never block the writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A read replica (PostgreSQL streaming replication, say): anonymous readers' pages read from
# it, everything else from the primary (newsroom/db_router.py). Tests mirror it onto default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]
# How stale the replica may be, in seconds. A page rendered within this long of a change
# to what it shows is not kept by the page cache: it may have been read from before it.
NEWSROOM_REPLICA_LAG_SECONDS = env_int(
    "NEWSROOM_REPLICA_LAG_SECONDS", 5 if DATABASE_REPLICA_URL else 1
)
for _database in DATABASES.values():
    if _database["ENGINE"] != "django.db.backends.postgresql":
        continue
    _options = _database.setdefault("OPTIONS", {})
    # A database server that does not answer costs a reader two seconds and a 503 page
    # (newsroom.middleware.UnavailableMiddleware), not a hung worker. A connect_timeout in
    # the URL wins.
    _options.setdefault("connect_timeout", 2)
    # No JIT: the web's queries are short, and PostgreSQL's estimate for a listing's
    # comment counts made it compile for 150-270 ms a request (docs/PERFORMANCE.md). Server
    # options given in the URL are kept; a jit setting there wins.
    if "jit=" not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

# --- Authentication and allauth ----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "articles:home"

# django-allauth: configured here, behaviour changes go in accounts/adapters.py.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Mandatory, so that enumeration prevention can work: signing up with a registered
# address then answers as any sign-up does ("check your inbox") and mails the address's
# owner instead of saying "already registered". A new account logs in once its address is
# confirmed, from the same browser straight back where the reader was (an article's
# comments).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_USERNAME_MIN_LENGTH = 2

# --- Internationalization ----------------------------------------------------------------

LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English"))]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and media --------------------------------------------------------------

STATIC_URL = "static/"
# Where collectstatic gathers the static files that production serves (whitenoise).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "newsroom" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploads served by the site's own process, for single-box installs (docs/DEPLOY.md);
# otherwise by the front server or the media storage. DEBUG serves them in development.
NEWSROOM_SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", False)
# Each environment adds the "staticfiles" storage: production's needs collectstatic.
STORAGES = {
    # Media goes through Django's storage API: S3-compatible storage is a settings change
    # (DJANGO_MEDIA_STORAGE, see docs/editorial.md).
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
        )
    },
}
# S3-compatible media: with DJANGO_MEDIA_STORAGE=storages.backends.s3.S3Storage, these
# variables configure django-storages (credentials come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, read by boto3 itself).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)

# --- Email -------------------------------------------------------------------------------

# Each environment picks EMAIL_BACKEND; the SMTP settings are in smtp.py.
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")

# --- Security headers and Content-Security-Policy ----------------------------------------

# HTTPS (the SSL redirect, HSTS, secure cookies) is production.py's.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Cross-Origin-Opener-Policy: same-origin is Django's default (SecurityMiddleware), spelled
# out: no page of another site that opens ours (or that ours opens) keeps a handle on it.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy (newsroom.middleware.SecurityHeadersMiddleware): every powerful
# feature the site has no use for is off, for its pages and anything framed in them. Web
# Share stays on for the share row's "Share…" button; the copy-link button's clipboard
# write is allowed to the page itself by default. Browsers ignore, with a console warning,
# the names they do not know (desktop Chromium: web-share, bluetooth).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"web-share": ["self"]}
# Content-Security-Policy (django-csp). Reader and account pages hold no inline script or
# style (tests/test_public_pages.py), so the policy is strict. Images may come from the
# media host (S3, a CDN) and the no-JavaScript Mastodon step ends on the reader's server,
# hence https: in img-src and form-action.
_CSP_ENABLED = env_bool("NEWSROOM_CSP_ENABLED", True)
_CSP_REPORT_URI = env_list("NEWSROOM_CSP_REPORT_URI", []) or None
CONTENT_SECURITY_POLICY = (
    {
        "DIRECTIVES": {
            "default-src": [CSP_SELF],
            "script-src": [CSP_SELF],
            "style-src": [CSP_SELF],
            "img-src": [CSP_SELF, "https:", "data:"],
            "object-src": [CSP_NONE],
            "base-uri": [CSP_NONE],
            "form-action": [CSP_SELF, "https:"],
            "frame-ancestors": [CSP_NONE],
            "report-uri": _CSP_REPORT_URI,
        },
    }
    if _CSP_ENABLED
    else None
)
# The admin's (newsroom.middleware.NewsroomCSPMiddleware, on every page under /admin/):
# as strict as Django's admin and the rich text editor allow. Scripts: the site's own files,
# plus the editor's import map (inline, so it carries the request's nonce). Styles: the
# site's files, plus the one <style> element the editor (django-prose-editor's tiptap)
# injects, allowed by its hash; when an upgrade of django-prose-editor changes that CSS,
# tests/e2e/test_admin_csp.py fails with the blocked style's new hash in the browser's
# console message. blob: images for the hero image's preview before upload.
ADMIN_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY = (
    {
        "DIRECTIVES": {
            "default-src": [CSP_SELF],
            "script-src": [CSP_SELF, CSP_NONCE],
            "style-src": [CSP_SELF, ADMIN_EDITOR_STYLE_HASH],
            "img-src": [CSP_SELF, "https:", "data:", "blob:"],
            "font-src": [CSP_SELF],
            "object-src": [CSP_NONE],
            "base-uri": [CSP_NONE],
            "form-action": [CSP_SELF],
            "frame-ancestors": [CSP_NONE],
            "report-uri": _CSP_REPORT_URI,
        },
    }
    if _CSP_ENABLED
    else None
)

# --- The client's address ----------------------------------------------------------------

# How many proxies in front of the site (a load balancer, a front server) append to
# X-Forwarded-For: the client's address is read that many entries from the right
# (newsroom/client_ip.py). 0: REMOTE_ADDR, and X-Forwarded-For is ignored, since nothing
# vouches for it. Per-IP rate limits and the failed-login log key on this address.
NEWSROOM_TRUSTED_PROXIES = env_int("NEWSROOM_TRUSTED_PROXIES", 0)
if NEWSROOM_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("NEWSROOM_TRUSTED_PROXIES must be 0 or more.")
# django-ratelimit asks the same function (allauth asks accounts.adapters.AccountAdapter).
RATELIMIT_IP_META_KEY = "newsroom.client_ip.client_ip"

# --- Cache and rate limits ---------------------------------------------------------------

# Shared cache: rate limits (allauth's and the comment limit) count in it, so every worker
# must see the same counts. NEWSROOM_CACHE_URL=redis://127.0.0.1:6379/0 in production;
# an in-process cache by default for development and tests.
NEWSROOM_CACHE_URL = os.environ.get("NEWSROOM_CACHE_URL", "").strip()
# Two caches in it: "default" (rate limits, remembered values, fragments of pages) and
# "pages" (whole reader pages, newsroom/page_cache.py), so flushing pages never resets a
# rate limit.
if NEWSROOM_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    _REDIS = {
        # Django's RedisCache, keeping its redis-py clients (newsroom/cache.py).
        "BACKEND": "newsroom.cache.RedisCache",
        "LOCATION": NEWSROOM_CACHE_URL,
        # A Redis that stops answering costs a page a fraction of a second, not a hang.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES = {
        "default": _REDIS,
        "pages": {**_REDIS, "KEY_PREFIX": "pages"},
    }
elif NEWSROOM_CACHE_URL:
    raise ImproperlyConfigured("NEWSROOM_CACHE_URL must be a redis:// URL (or empty).")
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# Reader pages (newsroom/page_cache.py): how long a stored page may live at most, and how
# long browsers may keep one (they cannot be purged, so briefly).
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", True)
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600)
NEWSROOM_PAGE_MAX_AGE = env_int("NEWSROOM_PAGE_MAX_AGE", 60)
NEWSROOM_PAGE_STALE_SECONDS = env_int("NEWSROOM_PAGE_STALE_SECONDS", 30)
# Parts of reader pages (newsroom/fragments.py): an article's text, its related stories, its
# comment threads, kept for the pages the page cache does not serve (logged-in readers', a
# page just made stale), invalidated by the same tags; how long one may live at most.
NEWSROOM_FRAGMENT_CACHE = env_bool("NEWSROOM_FRAGMENT_CACHE", True)
NEWSROOM_FRAGMENT_SECONDS = env_int("NEWSROOM_FRAGMENT_SECONDS", 60 * 60 * 6)
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists django-redis, not Django's own RedisCache, which is as atomic.
    "django_ratelimit.W001",
    # django_ratelimit.E003 (not a shared cache) stays on here, so production's
    # `manage.py check --deploy`/`migrate` fail until NEWSROOM_CACHE_URL is set;
    # development.py silences it.
]
# allauth's own limits, spelled out so they are visibly on (see allauth's docs for the syntax).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    "confirm_email": "1/180s/key",
}

# --- Logging -----------------------------------------------------------------------------

# One line per request on stdout (newsroom.middleware.RequestLogMiddleware), everything else
# (errors with their tracebacks, the job worker) on stderr; JSON when NEWSROOM_LOG_FORMAT=json.
# Every handler masks email addresses and drops secrets (newsroom/logs.py).
NEWSROOM_LOG_FORMAT = os.environ.get("NEWSROOM_LOG_FORMAT", "plain").strip().lower()
if NEWSROOM_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("NEWSROOM_LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "newsroom.logs.Redact"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "newsroom.logs.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": NEWSROOM_LOG_FORMAT,
            "filters": ["redact"],
        },
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": NEWSROOM_LOG_FORMAT,
            "filters": ["redact"],
        },
    },
    "loggers": {
        "newsroom.requests": {"handlers": ["requests"], "level": "INFO", "propagate": False},
        # Django's own console and mail_admins handlers are left out (nothing would redact
        # them): its records reach the root's handler. Errors go to Sentry when it is set.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
# Errors and their tracebacks to Sentry (sentry-sdk's Django integration), never the user's
# address, cookies or form data (send_default_pii=False, newsroom/logs.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from newsroom.logs import init_sentry

    init_sentry(SENTRY_DSN, environment=os.environ.get("DJANGO_ENV", "development"))

# --- Newsroom: the site ------------------------------------------------------------------

NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{NEWSROOM_SITE_NAME}] "
# Absolute base for links that leave the site (share links, feeds, sitemaps, emails),
# e.g. "https://news.example.org". Empty: taken from the request.
NEWSROOM_BASE_URL = os.environ.get("NEWSROOM_BASE_URL", "").rstrip("/")
NEWSROOM_PAGE_SIZE = env_int("NEWSROOM_PAGE_SIZE", 12)

# --- Newsroom: comments ------------------------------------------------------------------

# The moderation values seed the admin's "Comment moderation settings"; once an editor
# saves that page, the admin's values win.
NEWSROOM_COMMENT_MAX_LENGTH = env_int("NEWSROOM_COMMENT_MAX_LENGTH", 3000)
NEWSROOM_COMMENT_EDIT_MINUTES = env_int("NEWSROOM_COMMENT_EDIT_MINUTES", 15)
NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = env_int("NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS", 0)
NEWSROOM_COMMENTS_PAGE_SIZE = env_int("NEWSROOM_COMMENTS_PAGE_SIZE", 50)
# A live blog's updates per page, newest first ("Older updates" reads the next ones).
NEWSROOM_LIVE_UPDATES_PAGE_SIZE = env_int("NEWSROOM_LIVE_UPDATES_PAGE_SIZE", 20)
if NEWSROOM_LIVE_UPDATES_PAGE_SIZE < 1:
    raise ImproperlyConfigured("NEWSROOM_LIVE_UPDATES_PAGE_SIZE must be 1 or more.")
NEWSROOM_COMMENT_RATE = os.environ.get("NEWSROOM_COMMENT_RATE", "5/m")
NEWSROOM_COMMENT_MODERATION = os.environ.get("NEWSROOM_COMMENT_MODERATION", "post").strip()
if NEWSROOM_COMMENT_MODERATION not in {"post", "pre"}:
    raise ImproperlyConfigured("NEWSROOM_COMMENT_MODERATION must be 'post' or 'pre'.")
NEWSROOM_COMMENT_HOLD_FIRST = env_bool("NEWSROOM_COMMENT_HOLD_FIRST", False)
NEWSROOM_COMMENT_MAX_LINKS = env_int("NEWSROOM_COMMENT_MAX_LINKS", 2)
# The trust ladder: a commenter's comments are held until this many have been approved
# (1 is NEWSROOM_COMMENT_HOLD_FIRST's "first comment held", which it defaults to).
NEWSROOM_COMMENT_TRUSTED_AFTER = env_int(
    "NEWSROOM_COMMENT_TRUSTED_AFTER", 1 if NEWSROOM_COMMENT_HOLD_FIRST else 0
)
# The pre-check chain every new or edited comment goes through (articles/moderation/): a
# check is any callable ``check(ctx) -> Verdict | None``; the strongest verdict wins.
NEWSROOM_COMMENT_CHECKS = [
    "articles.moderation.checks.check_premoderation",
    "articles.discussion.check_discussion",
    "articles.moderation.checks.check_word_rules",
    "articles.moderation.checks.check_links",
    "articles.moderation.checks.check_trust",
    "articles.moderation.checks.check_email_domain",
    "articles.moderation.adapters.check_akismet",
    "articles.moderation.adapters.check_toxicity",
]
# Addresses at well-known disposable-mail domains (articles/moderation/disposable_domains.txt)
# have their comments held.
NEWSROOM_COMMENT_HOLD_DISPOSABLE = env_bool("NEWSROOM_COMMENT_HOLD_DISPOSABLE", True)
# Optional outside checks, off unless configured: Akismet's comment-check (spam held, its
# "discard" rejected) and a Perspective-style toxicity model (at or over the threshold the
# author is asked to revise). A service that is slow or down is skipped, never waited on.
NEWSROOM_AKISMET_KEY = os.environ.get("NEWSROOM_AKISMET_KEY", "").strip()
NEWSROOM_AKISMET_URL = os.environ.get("NEWSROOM_AKISMET_URL", "https://rest.akismet.com").rstrip(
    "/"
)
NEWSROOM_TOXICITY_URL = os.environ.get("NEWSROOM_TOXICITY_URL", "").strip()
NEWSROOM_TOXICITY_KEY = os.environ.get("NEWSROOM_TOXICITY_KEY", "").strip()
NEWSROOM_TOXICITY_THRESHOLD = float(os.environ.get("NEWSROOM_TOXICITY_THRESHOLD", "0.8"))
if not 0 < NEWSROOM_TOXICITY_THRESHOLD <= 1:
    raise ImproperlyConfigured("NEWSROOM_TOXICITY_THRESHOLD must be over 0 and at most 1.")
NEWSROOM_COMMENT_CHECK_TIMEOUT = float(os.environ.get("NEWSROOM_COMMENT_CHECK_TIMEOUT", "2"))
# How many of the newest comments the admin's "Test against recent comments" runs over.
NEWSROOM_DRY_RUN_COMMENTS = env_int("NEWSROOM_DRY_RUN_COMMENTS", 1000)
# Reports: how many a reader may send (django-ratelimit's rate, as for comments), and how
# long the first report waits for others before the moderators get their one digest email.
NEWSROOM_COMMENT_REPORT_RATE = os.environ.get("NEWSROOM_COMMENT_REPORT_RATE", "5/m")
NEWSROOM_REPORT_DIGEST_MINUTES = env_int("NEWSROOM_REPORT_DIGEST_MINUTES", 10)
if NEWSROOM_REPORT_DIGEST_MINUTES < 0:
    raise ImproperlyConfigured("NEWSROOM_REPORT_DIGEST_MINUTES must be 0 or more.")
# Readers who chose daily reply and approval emails get one digest a day, at this hour
# (0-23) in DJANGO_TIME_ZONE.
NEWSROOM_DIGEST_HOUR = env_int("NEWSROOM_DIGEST_HOUR", 8)
if not 0 <= NEWSROOM_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NEWSROOM_DIGEST_HOUR must be an hour from 0 to 23.")
# How many of the shown comments the article's JSON-LD lists as schema.org Comment items.
NEWSROOM_JSONLD_COMMENTS = env_int("NEWSROOM_JSONLD_COMMENTS", 10)
if NEWSROOM_JSONLD_COMMENTS < 0:
    raise ImproperlyConfigured("NEWSROOM_JSONLD_COMMENTS must be 0 or more.")
# Engagement (docs/comments.md): the reaction button's name, how many reactions a reader may
# give or take back (django-ratelimit's rate), and how many editors' picks an article shows.
NEWSROOM_REACTION_NAME = os.environ.get("NEWSROOM_REACTION_NAME", "Respect").strip() or "Respect"
NEWSROOM_REACTION_RATE = os.environ.get("NEWSROOM_REACTION_RATE", "30/m")
NEWSROOM_FEATURED_COMMENTS = env_int("NEWSROOM_FEATURED_COMMENTS", 3)
# How long after a removal its author may appeal it (days).
NEWSROOM_APPEAL_DAYS = env_int("NEWSROOM_APPEAL_DAYS", 14)

# --- Newsroom: editorial -----------------------------------------------------------------

# The byline the importer uses when none is given.
NEWSROOM_DEFAULT_BYLINE = os.environ.get("NEWSROOM_DEFAULT_BYLINE", "Staff")
# Uploaded images larger than this are refused (bytes).
NEWSROOM_IMAGE_MAX_BYTES = env_int("NEWSROOM_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
# How long a signed preview link works unless revoked first (hours).
NEWSROOM_PREVIEW_LINK_HOURS = env_int("NEWSROOM_PREVIEW_LINK_HOURS", 48)
# The article form's autosaved drafts are offered back for this many days, then deleted.
NEWSROOM_DRAFT_DAYS = env_int("NEWSROOM_DRAFT_DAYS", 30)
# "X is editing this story" lasts this long after the form's last heartbeat (seconds).
NEWSROOM_PRESENCE_SECONDS = env_int("NEWSROOM_PRESENCE_SECONDS", 120)
if NEWSROOM_DRAFT_DAYS < 1 or NEWSROOM_PRESENCE_SECONDS < 30:
    raise ImproperlyConfigured(
        "NEWSROOM_DRAFT_DAYS must be 1 or more, NEWSROOM_PRESENCE_SECONDS 30 or more."
    )

# --- Newsroom: discovery (feeds, sitemaps, metadata, search, sharing) --------------------

# The site's one-line description: meta description of listing pages and feed subtitle.
# Empty: "The latest stories from <site name>."
NEWSROOM_SITE_DESCRIPTION = os.environ.get("NEWSROOM_SITE_DESCRIPTION", "").strip()
# The publisher's logo in JSON-LD: a PNG, JPEG, GIF or WebP among the static files (Google
# wants a raster image of at least 112 px). Empty: no logo.
NEWSROOM_PUBLISHER_LOGO = os.environ.get(
    "NEWSROOM_PUBLISHER_LOGO", "img/publisher-logo.png"
).strip()
# How many stories each RSS/Atom feed carries.
NEWSROOM_FEED_ITEMS = env_int("NEWSROOM_FEED_ITEMS", 30)
# Search results per page.
NEWSROOM_SEARCH_PAGE_SIZE = env_int("NEWSROOM_SEARCH_PAGE_SIZE", 20)
# Share row: which networks, in which order (keys of articles.share.NETWORKS).
NEWSROOM_SHARE_NETWORKS = env_list(
    "NEWSROOM_SHARE_NETWORKS",
    [
        "native",
        "facebook",
        "x",
        "bluesky",
        "mastodon",
        "linkedin",
        "telegram",
        "whatsapp",
        "reddit",
        "email",
        "copy",
    ],
)

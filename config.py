"""Application configuration, read from environment variables.

One class per environment; values are read when the class is instantiated so
that tests and processes can set the environment first.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def env_bool(name, default=False):
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    """Read an integer environment variable, failing fast on garbage."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be an integer, got {value!r}") from None


def env_int_list(name, default):
    """Read a comma-separated list of non-negative integers, failing fast on garbage."""
    items = env_list(name) if os.environ.get(name) is not None else list(default)
    try:
        values = [int(item) for item in items]
    except ValueError:
        raise RuntimeError(f"{name} must be comma-separated whole numbers, got {os.environ.get(name)!r}") from None
    if any(value < 0 for value in values):
        raise RuntimeError(f"{name} must not contain negative numbers")
    return values


def max_content_length(max_upload_mb):
    """The request body limit for an upload limit in MB: the file plus room for the form's other fields."""
    return max_upload_mb * 1024 * 1024 + 64 * 1024


def env_list(name):
    """Read a comma-separated environment variable into a list of stripped items."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def check_storage_settings(config):
    """Fail fast on a storage backend that cannot work (unknown name, no bucket, too small parts)."""
    if config.STORAGE_BACKEND not in ("local", "s3"):
        raise RuntimeError(f"STORAGE_BACKEND must be local or s3, got {config.STORAGE_BACKEND!r}")
    if config.STORAGE_BACKEND == "s3" and not config.S3_BUCKET:
        raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for MinIO; see README).")
    if config.S3_PART_SIZE_MB < 5:
        raise RuntimeError("S3_PART_SIZE_MB must be at least 5 (S3's smallest multipart part).")


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    TESTING = False

    def __init__(self):
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = self.normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'app.db'}"
        )
        # hide_parameters: a failed statement's error (and so the log) never carries row values
        # such as password hashes or token hashes. Pooled connections are checked before use only
        # after sitting idle (webapp/core/database.py), not on every request.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}
        # PostgreSQL connections each web (or rq) process keeps open once it has needed them, and how
        # many more it may open for a burst (those are closed again when returned). A gevent worker
        # serves many requests at once: with fewer pooled connections than requests in flight, every
        # request above the pool opened and closed a connection (a PostgreSQL backend start each):
        # 16 API calls in flight per worker ran at 1,050 requests/s with a pool of 10, p99 130 ms,
        # and at 1,620 with 20, p99 41 ms (bench/api.py's wrk, who am I). Processes x (size +
        # overflow) must stay below the server's max_connections (300 in docker-compose.yml).
        self.DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 20)
        self.DATABASE_MAX_OVERFLOW = env_int("DATABASE_MAX_OVERFLOW", 10)
        self.REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or None
        self.MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(INSTANCE_DIR / "media")
        # Where media (uploads, posters, caption files) is kept: `local` (files under MEDIA_ROOT) or
        # `s3` (an S3-compatible bucket: AWS S3, MinIO; webapp/media/backends.py). With s3, MEDIA_ROOT
        # is only the local scratch space for upload spooling and remuxing.
        self.STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
        self.S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None  # None: AWS's own endpoint
        self.S3_BUCKET = os.environ.get("S3_BUCKET", "")
        self.S3_REGION = os.environ.get("S3_REGION") or "us-east-1"
        # Empty: boto3's own credential chain (instance role, ~/.aws); never logged, never sent to browsers.
        self.AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
        self.AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
        # Size of one part of a multipart upload: the most an upload holds in memory (S3's minimum is 5 MB).
        self.S3_PART_SIZE_MB = env_int("S3_PART_SIZE_MB", 8)
        # Where browsers reach the bucket for presigned uploads, when not at S3_ENDPOINT_URL (the host is signed).
        self.S3_PUBLIC_ENDPOINT_URL = os.environ.get("S3_PUBLIC_ENDPOINT_URL") or None
        # Lifetime of the presigned URL handed to nginx in offload mode (it is used at once).
        self.S3_PRESIGN_TTL = env_int("S3_PRESIGN_TTL", 60)
        # Direct uploads (s3 only): files of at least this size go from the browser straight to the
        # bucket in presigned parts; an upload may be resumed for DIRECT_UPLOAD_HOURS, then the
        # scheduled job (DIRECT_UPLOAD_ABORT_CRON) aborts what was left unfinished.
        self.DIRECT_UPLOAD_MIN_MB = env_int("DIRECT_UPLOAD_MIN_MB", 100)
        self.DIRECT_UPLOAD_HOURS = env_int("DIRECT_UPLOAD_HOURS", 24)
        self.DIRECT_UPLOAD_URL_TTL = env_int("DIRECT_UPLOAD_URL_TTL", 900)  # one presigned part URL, seconds
        self.DIRECT_UPLOAD_ABORT_CRON = os.environ.get("DIRECT_UPLOAD_ABORT_CRON", "20 * * * *")
        check_storage_settings(self)
        self.VIEW_POINTS = env_int("VIEW_POINTS", 10)
        self.PLAN_TIMEZONE = os.environ.get("PLAN_TIMEZONE", "UTC")
        self.VIDEO_SOURCE_ALLOWED_HOSTS = env_list("VIDEO_SOURCE_ALLOWED_HOSTS")
        self.ACCESS_TOKEN_TTL = env_int("ACCESS_TOKEN_TTL", 900)
        self.REFRESH_TOKEN_TTL = env_int("REFRESH_TOKEN_TTL", 14 * 24 * 3600)
        self.MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 512)
        # Werkzeug refuses bodies over this size with 413 before a view runs.
        self.MAX_CONTENT_LENGTH = max_content_length(self.MAX_UPLOAD_MB)
        self.STREAM_CONNECT_TIMEOUT = float(os.environ.get("STREAM_CONNECT_TIMEOUT", "5"))
        self.STREAM_READ_TIMEOUT = float(os.environ.get("STREAM_READ_TIMEOUT", "30"))
        self.STREAM_CHUNK_SIZE = env_int("STREAM_CHUNK_SIZE", 1024 * 1024)
        # Viewers' stream starts (checks, view credit, opening the origin) one web process works on at
        # once; more wait their turn (webapp/media/gate.py). The bytes of started streams are not limited.
        # 4 rather than 8: 1,000 offloaded viewers arriving at once kept the library page's p99 at
        # 280-290 ms instead of 870-1,100 ms, with the same first bytes (bench/viewers.py).
        self.STREAM_STARTS = env_int("STREAM_STARTS", 4)
        # An origin that sends less than this many bytes in STREAM_READ_TIMEOUT seconds is cut.
        self.STREAM_MIN_BYTES = env_int("STREAM_MIN_BYTES", 16 * 1024)
        # Offload mode: how long the outcome of checking an origin is remembered (per process).
        self.ORIGIN_CHECK_TTL = float(os.environ.get("ORIGIN_CHECK_TTL", "30"))
        self.X_ACCEL_REDIRECT = env_bool("X_ACCEL_REDIRECT")
        self.PLAYBACK_URL_TTL = env_int("PLAYBACK_URL_TTL", 300)
        self.PLAN_EXPIRY_CRON = os.environ.get("PLAN_EXPIRY_CRON", "5 0 * * *")
        self.RQ_QUEUE = os.environ.get("RQ_QUEUE", "default")
        self.MEDIA_SWEEP_CRON = os.environ.get("MEDIA_SWEEP_CRON", "30 3 * * *")
        self.MEDIA_SWEEP_MARGIN_HOURS = float(os.environ.get("MEDIA_SWEEP_MARGIN_HOURS", "24"))
        self.SCHEDULER_INTERVAL = env_int("SCHEDULER_INTERVAL", 30)
        # Media processing (webapp/videos/processing.py): the probe job's time limit, the limit on
        # reading a source, the same two for an admin's poster from a frame (poster_services.py),
        # how much of a source without Range support is read, the backfill.
        self.PROBE_JOB_TIMEOUT = env_int("PROBE_JOB_TIMEOUT", 600)
        self.PROBE_READ_DEADLINE = float(os.environ.get("PROBE_READ_DEADLINE", "300"))
        self.POSTER_READ_DEADLINE = float(os.environ.get("POSTER_READ_DEADLINE", "60"))
        self.POSTER_JOB_TIMEOUT = env_int("POSTER_JOB_TIMEOUT", 120)
        self.PROBE_FORWARD_MAX_MB = env_int("PROBE_FORWARD_MAX_MB", 64)
        self.PROBE_BACKFILL_CRON = os.environ.get("PROBE_BACKFILL_CRON", "*/10 * * * *")
        self.JOB_RETRY_DELAYS = env_int_list("JOB_RETRY_DELAYS", [60, 300, 900])
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # The cookie is sent when the session changes (login, the idle clock's step, a flash), not
        # with every answer: a session ends by its own clocks (accounts/sessions/browser.py).
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.WTF_CSRF_TIME_LIMIT = None
        self.PER_PAGE = env_int("PER_PAGE", 20)
        # Seconds during which the admin who deleted a video may undo it from the flash (every plan).
        self.UNDO_DELETE_SECONDS = env_int("UNDO_DELETE_SECONDS", 120)
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", self.REDIS_URL)
        # Redis must answer within REDIS_TIMEOUT seconds. After a failure the rate limiter leaves it
        # alone (circuit breaker): it counts in memory, per process, and tries Redis again after
        # 1, 2, 4 ... 32 s (Flask-Limiter's in-memory fallback; webapp/redis_conn.py).
        self.REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": self.REDIS_TIMEOUT,
                                          "socket_timeout": self.REDIS_TIMEOUT}
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_RATE_LIMIT_PER_IP = os.environ.get("LOGIN_RATE_LIMIT_PER_IP", "20 per minute")
        self.LOGIN_RATE_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_PER_ACCOUNT", "10 per minute")
        self.SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "10 per hour")
        self.SIGNUP_RATE_LIMIT_GLOBAL = os.environ.get("SIGNUP_RATE_LIMIT_GLOBAL", "200 per hour")
        self.SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
        # X-Forwarded-* headers are believed only when this many proxies are known to be in front.
        self.TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
        self.FORCE_HTTPS = env_bool("FORCE_HTTPS")
        self.HSTS_MAX_AGE = env_int("HSTS_MAX_AGE", 365 * 24 * 3600)
        # Mail (webapp/core/mail.py): SMTP when MAIL_SERVER is set, else each message is written as
        # an .eml file under MAIL_OUTBOX_DIR and its link is logged (a newcomer needs no mail server).
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = env_int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
        self.MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Reelhouse <no-reply@reelhouse.invalid>")
        self.MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 10)
        self.MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR") or str(INSTANCE_DIR / "outbox")
        # Links in mails are built on this address, never on a request's Host header.
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        self.INVITE_TTL_HOURS = env_int("INVITE_TTL_HOURS", 72)
        self.RESET_TTL_MINUTES = env_int("RESET_TTL_MINUTES", 30)
        self.SIGNUP_CONFIRM_HOURS = env_int("SIGNUP_CONFIRM_HOURS", 48)
        self.PASSWORD_RESET_RATE_LIMIT_PER_IP = os.environ.get("PASSWORD_RESET_RATE_LIMIT_PER_IP", "10 per hour")
        self.PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = os.environ.get("PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS",
                                                                    "3 per hour")
        # "Didn't get the mail?" for a sign-up: per client address / per e-mail address asked about.
        self.CONFIRM_RESEND_RATE_LIMIT_PER_IP = os.environ.get("CONFIRM_RESEND_RATE_LIMIT_PER_IP", "10 per hour")
        self.CONFIRM_RESEND_RATE_LIMIT_PER_ADDRESS = os.environ.get("CONFIRM_RESEND_RATE_LIMIT_PER_ADDRESS",
                                                                    "3 per hour")
        self.SIGNUP_PURGE_CRON = os.environ.get("SIGNUP_PURGE_CRON", "17 * * * *")

    @staticmethod
    def normalise_database_url(url):
        """Accept postgres:// and postgresql:// and use the psycopg2 driver we ship."""
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg2://" + url[len(prefix):]
        return url


class DevelopmentConfig(Config):
    """Local development: SQLite by default, secret key kept in the instance folder."""

    ENV_NAME = "development"


class TestingConfig(Config):
    """Test suite: PostgreSQL and Redis given by TEST_DATABASE_URL / TEST_REDIS_URL."""

    ENV_NAME = "testing"
    __test__ = False  # not a pytest test class
    TESTING = True

    def __init__(self):
        super().__init__()
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.JWT_SECRET_KEY = "test-jwt-secret-key-not-for-production-0123456789"
        if os.environ.get("TEST_DATABASE_URL"):
            self.SQLALCHEMY_DATABASE_URI = self.normalise_database_url(os.environ["TEST_DATABASE_URL"])
        self.REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL
        # The test machine is shared and loaded: a slow answer must not count as an outage here
        # (tests of the outage itself set short timeouts of their own).
        self.REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "5"))
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": self.REDIS_TIMEOUT,
                                          "socket_timeout": self.REDIS_TIMEOUT}
        self.SCHEDULER_INTERVAL = env_int("SCHEDULER_INTERVAL", 1)
        self.JOB_RETRY_DELAYS = env_int_list("JOB_RETRY_DELAYS", [1, 1])
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost").rstrip("/")


class ProductionConfig(Config):
    """Production: SECRET_KEY and DATABASE_URL must be given."""

    ENV_NAME = "production"

    def __init__(self):
        super().__init__()
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Missing required setting(s) for production: "
                + ", ".join(missing)
                + ". Set them in the environment (see README, Configuration)."
            )
        # Cookies only over HTTPS; SESSION_COOKIE_SECURE=0 only for a deployment without TLS.
        self.SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    """Pick the configuration class named by APP_ENV (default: development)."""
    name = os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, got {name!r}") from None

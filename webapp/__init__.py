"""The Flask application factory."""
import logging
import secrets
from pathlib import Path

from config import BASE_DIR, INSTANCE_DIR, config_from_env, max_content_length
from webapp.core.compat import SyncFlask, forget_limiter_outage
from webapp.core.extensions import csrf, db, jwt, limiter, login_manager, migrate
from webapp.core.json_answers import OrjsonAnswers


def create_app(config_class=None, overrides=None):
    """Build the application for the given configuration class (default: APP_ENV)."""
    config_class = config_class or config_from_env()
    app = SyncFlask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.json = OrjsonAnswers(app)
    app.config.from_object(config_class())
    app.config.update(overrides or {})
    if "MAX_UPLOAD_MB" in (overrides or {}) and "MAX_CONTENT_LENGTH" not in overrides:
        app.config["MAX_CONTENT_LENGTH"] = max_content_length(app.config["MAX_UPLOAD_MB"])
    app.request_class = upload_request_class()
    ensure_secret_key(app)
    register_stream_gate(app)
    register_read_scopes(app)
    register_security(app)
    register_caching(app)
    Path(app.config["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_request_log(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def upload_request_class():
    """The request class: Flask's own, with uploads spooled beside MEDIA_ROOT (webapp/media/spool.py)."""
    from webapp.media.spool import MediaSpoolRequest

    return MediaSpoolRequest


def ensure_secret_key(app):
    """Outside production a missing SECRET_KEY is generated once and kept in the instance folder."""
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("JWT_SECRET_KEY"):
        app.config["JWT_SECRET_KEY"] = app.config["SECRET_KEY"]


def register_stream_gate(app):
    """Stream starts wait for a turn before anything else (webapp/media/gate.py)."""
    from webapp.media.gate import register

    register(app)


def register_read_scopes(app):
    """Views marked reads_first read without a transaction from the first before-request hook on
    (webapp/core/database.py); registered before every other hook."""
    from webapp.core.database import register_read_scopes as register

    register(app, db.session)


def register_security(app):
    """Security headers, trusted proxies, the session cookie, browser-session lifetimes, NUL refusal;
    refuses unsafe settings."""
    from webapp.accounts.sessions.browser import end_stale_session
    from webapp.core import security
    from webapp.core.cookie_session import CookieSessionInterface

    app.session_interface = CookieSessionInterface()
    security.register(app)
    app.before_request(end_stale_session)
    app.before_request(security.refuse_nul_characters)


def register_caching(app):
    """One Cache-Control policy for every response; content-hashed static URLs."""
    from webapp.core.caching import register

    register(app)


def register_extensions(app):
    """Bind the extension objects of webapp.core.extensions to this app."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": app.config["DATABASE_POOL_SIZE"],
                                                   "max_overflow": app.config["DATABASE_MAX_OVERFLOW"],
                                                   **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    db.init_app(app)
    from sqlalchemy.orm import Session

    from webapp.core.database import ping_connections_when_idle, refuse_writes_in_read_only_scopes

    with app.app_context():
        ping_connections_when_idle(db.engine)
    refuse_writes_in_read_only_scopes(Session)
    render_as_batch = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=render_as_batch,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    forget_limiter_outage(limiter)  # a new storage: an outage seen on the previous one no longer applies
    jwt.init_app(app)
    from webapp.core import mail

    mail.init_app(app)
    from webapp.core.i18n import register as register_i18n

    register_i18n(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to access this page.")
    login_manager.localize_callback = str  # translated when flashed, in the request's language

    from webapp.accounts.sessions import load_user

    login_manager.user_loader(load_user)


def register_url_converters(app):
    """`<int:...>` in page routes matches database ids only: larger numbers are a 404 on any database."""
    from webapp.core.ids import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter


def register_blueprints(app):
    """Attach every screen's blueprint and the JSON API (webapp/blueprints.py)."""
    from webapp.blueprints import register_blueprints as register

    register(app)


def register_errorhandlers(app):
    """HTML error pages for the browser, JSON errors under /api."""
    from webapp.core.errors import register

    register(app)


def register_request_log(app):
    """Request ids and one structured log line per request."""
    from webapp.core.request_log import register

    register(app)


def register_template_helpers(app):
    """Values every template can use."""
    from webapp.blueprints import register_template_helpers as register

    register(app)

"""The Flask application factory."""
import logging
import secrets
from pathlib import Path

from flask import Flask

from config import BASE_DIR, INSTANCE_DIR, config_from_env, max_content_length
from webapp.core.extensions import csrf, db, jwt, limiter, login_manager, migrate


def create_app(config_class=None, overrides=None):
    """Build the application for the given configuration class (default: APP_ENV)."""
    config_class = config_class or config_from_env()
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_class())
    app.config.update(overrides or {})
    if "MAX_UPLOAD_MB" in (overrides or {}) and "MAX_CONTENT_LENGTH" not in overrides:
        app.config["MAX_CONTENT_LENGTH"] = max_content_length(app.config["MAX_UPLOAD_MB"])
    app.request_class = upload_request_class()
    ensure_secret_key(app)
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


def register_security(app):
    """Security headers, trusted proxies, idle session timeout; refuses unsafe settings."""
    from webapp.core.security import register

    register(app)


def register_caching(app):
    """One Cache-Control policy for every response; content-hashed static URLs."""
    from webapp.core.caching import register

    register(app)


def register_extensions(app):
    """Bind the extension objects of webapp.core.extensions to this app."""
    db.init_app(app)
    render_as_batch = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=render_as_batch,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    from webapp.accounts.throttling import start_with_healthy_storage

    start_with_healthy_storage(limiter)
    jwt.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from webapp.accounts.sessions.loader import load_user

    login_manager.user_loader(load_user)


def register_url_converters(app):
    """`<int:...>` in page routes matches database ids only: larger numbers are a 404 on any database."""
    from webapp.core.pages import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter


def register_blueprints(app):
    """Attach every feature blueprint."""
    from webapp.insights.activity import bp as activity_bp
    from webapp.insights.analytics import bp as analytics_bp
    from webapp.accounts.auth import bp as auth_bp
    from webapp.core.health import bp as health_bp
    from webapp.core.main import bp as main_bp
    from webapp.videos.player import bp as player_bp
    from webapp.accounts.members import bp as members_bp
    from webapp.videos.manage import bp as videos_bp
    from webapp.videos.trash import bp as trash_bp
    from webapp.companies.plans import bp as plans_bp
    from webapp.videos.library import bp as library_bp
    from webapp.accounts.account import bp as account_bp

    app.register_blueprint(activity_bp)
    app.register_blueprint(analytics_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(player_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(videos_bp)
    app.register_blueprint(trash_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(account_bp)

    from webapp.api import register_api

    register_api(app)


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
    from webapp.core.templating import register

    register(app)

"""Extension objects, created unbound and initialised in create_app."""
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from webapp.core.compat import RouteLimiter, VerifiedTokenCache

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraints get stable names (needed by SQLite batch migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Rate limits are declared where they apply (login forms, API login); storage is Redis.
# swallow_errors: when Redis is down, requests are not limited rather than failing.
limiter = RouteLimiter(key_func=get_remote_address, default_limits=[])  # hook only when needed: core/compat.py
jwt = VerifiedTokenCache()  # API access tokens (webapp/accounts/sessions/tokens.py; cache: core/compat.py)

"""Liveness and readiness probes for load balancers and compose healthchecks."""
from flask import Blueprint

bp = Blueprint("health", __name__)

from webapp.core.health import routes  # noqa: E402,F401

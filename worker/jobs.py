"""rq job functions. Each takes plain arguments, runs inside an app context and is idempotent."""
import logging

from worker.context import get_app

log = logging.getLogger(__name__)


def expire_plans():
    """Downgrade every lapsed paid plan; returns the corporations changed."""
    from webapp.plans.services import expire_plans as expire

    with get_app().app_context():
        expired = expire()
    names = ", ".join(f"{c['id']}:{c['name']}" for c in expired) or "none"
    log.info("expire_plans: downgraded %d corporation(s): %s", len(expired), names)
    return {"downgraded": len(expired), "corporations": [c["id"] for c in expired]}

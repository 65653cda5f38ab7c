"""rq job functions: plain arguments, idempotent, run inside an app context (AppContextJob)."""
import logging

from webapp.companies import services as plan_services

log = logging.getLogger(__name__)


def expire_plans():
    """Downgrade every paid plan that expired before today (PLAN_TIMEZONE); say which ones."""
    expired = plan_services.expire_plans()
    corporations = [
        {"id": c["id"], "name": c["name"], "expired_on": c["expired_on"].isoformat()} for c in expired
    ]
    if corporations:
        names = ", ".join(f"{c['name']} (#{c['id']}, expired {c['expired_on']})" for c in corporations)
        log.info("expire_plans: downgraded %d corporation(s) to free: %s", len(corporations), names)
    else:
        log.info("expire_plans: no paid plan has expired; nothing to do")
    return {"downgraded": len(corporations), "corporations": corporations}

"""rq job functions: plain arguments, idempotent, run inside an app context (AppContextJob)."""
import logging

from flask import current_app

from webapp.accounts import password_reset, signup
from webapp.companies import services as plan_services
from webapp.core import mail
from webapp.videos import services as video_services

log = logging.getLogger(__name__)


def expire_plans():
    """Downgrade every paid plan that expired before today (PLAN_TIMEZONE) and mail the plan reminders
    due (7 days and 1 day before, and at lapse; each once per plan period); say what was done."""
    expired, reminders = plan_services.expire_plans_and_remind()
    corporations = [
        {"id": c["id"], "name": c["name"], "expired_on": c["expired_on"].isoformat()} for c in expired
    ]
    if corporations:
        names = ", ".join(f"{c['name']} (#{c['id']}, expired {c['expired_on']})" for c in corporations)
        log.info("expire_plans: downgraded %d corporation(s) to free: %s", len(corporations), names)
    else:
        log.info("expire_plans: no paid plan has expired; nothing to do")
    for reminder in reminders:
        log.info("expire_plans: %s reminder for %s (#%s, paid through %s) to %d admin(s)", reminder["kind"],
                 reminder["name"], reminder["corporation_id"], reminder["expires_on"], reminder["admins"])
    return {"downgraded": len(corporations), "corporations": corporations, "reminders": reminders}


def sweep_media():
    """Remove stale `.part` files and stored files no video refers to (older than the safety
    margin, MEDIA_SWEEP_MARGIN_HOURS); log each one."""
    margin_hours = current_app.config["MEDIA_SWEEP_MARGIN_HOURS"]
    removed = video_services.sweep_media(margin_hours * 3600)
    for item in removed:
        log.info("sweep_media: removed %s (%d bytes, %s)", item["name"], item["bytes"], item["reason"])
    total = sum(item["bytes"] for item in removed)
    log.info("sweep_media: removed %d file(s), %d bytes, untouched for more than %s h",
             len(removed), total, margin_hours)
    return {"removed": len(removed), "bytes": total, "files": removed}


def send_mail(template: str, to: str, locale: str, context: dict):
    """Render one message in the recipient's language and send it (SMTP, or the development outbox).

    A failure (SMTP down, refused) raises: rq retries after each of JOB_RETRY_DELAYS, then keeps
    the job in the failed registry.
    """
    return mail.deliver(template, to, locale, context)


def start_password_reset(email: str):
    """Send a reset link when the address is an active member's (the request answered 202 either way)."""
    return {"sent": password_reset.start_reset(email)}


def purge_unconfirmed_signups():
    """Remove sign-ups left unconfirmed for SIGNUP_CONFIRM_HOURS, freeing their addresses and names."""
    removed = signup.purge_unconfirmed()
    for company in removed:
        log.info("purge_unconfirmed_signups: removed %s (#%s), never confirmed", company["name"], company["id"])
    log.info("purge_unconfirmed_signups: removed %d unconfirmed sign-up(s)", len(removed))
    return {"removed": len(removed), "corporations": removed}

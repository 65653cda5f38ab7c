"""Outgoing mail: queued by use cases, sent by the rq worker, one job per message.

A use case calls `send_after_commit(...)` inside its unit of work. Nothing leaves until the
transaction commits (a rolled-back use case sends nothing, and the worker never races a row that
is not there yet); then each message becomes an rq job `worker.jobs.send_mail`, retried after each
of JOB_RETRY_DELAYS and then kept in rq's failed registry. The worker renders the message (subject,
plain text and HTML from `templates/mail/<name>/`) in the recipient's language, with links built on
PUBLIC_URL (never on a request's Host header), and hands it to Flask-Mailman: SMTP when MAIL_SERVER
is set, else an `.eml` file under MAIL_OUTBOX_DIR whose link is logged, so every flow can be
followed locally with no mail server.
"""
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from sqlalchemy import event
from sqlalchemy.orm import Session

from webapp.core.queue import enqueue as enqueue_job

log = logging.getLogger(__name__)

mail = Mail()
SEND_JOB = "worker.jobs.send_mail"
_OUTBOX = "mail_outbox"


def init_app(app) -> None:
    """Bind Flask-Mailman to the app (SMTP settings from the MAIL_* config)."""
    app.config.setdefault("MAIL_BACKEND", "smtp")
    mail.init_app(app)


def send_after_commit(template: str, to: str, locale: str, **context) -> None:
    """Queue a message for after the current transaction commits (a step of a use case).

    `context` travels in the job (plain values: strings, numbers, dates); a `link` of (endpoint, {values}) becomes
    an absolute URL on PUBLIC_URL when the worker renders the message.
    """
    from webapp.core.extensions import db

    db.session().info.setdefault(_OUTBOX, []).append(
        {"template": template, "to": to, "locale": locale, "context": context})


@event.listens_for(Session, "after_commit")
def _enqueue_outbox(session):
    for message in session.info.pop(_OUTBOX, []):
        enqueue(**message)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session):
    session.info.pop(_OUTBOX, None)


def enqueue(template: str, to: str, locale: str, context: dict) -> None:
    """Put one message on the queue as its own job; a Redis failure is logged, never raised (the
    transaction is already committed, and the pages work without Redis)."""
    job = enqueue_job(SEND_JOB, template, to, locale, context, description=f"mail {template} to {mask(to)}")
    if job is not None:
        log.info("mail: queued %r for %s as job %s", template, mask(to), job.id)


def mask(address: str) -> str:
    """An address as logs show it: enough to recognise, not to harvest (j***@example.com)."""
    local, _, domain = (address or "").partition("@")
    return f"{local[:1]}***@{domain}"


def render(template: str, locale: str, context: dict) -> tuple[str, str, str, str | None]:
    """(subject, text, html, link) of a message in `locale`, links on PUBLIC_URL."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["PUBLIC_URL"] + "/"), force_locale(locale):
        values = dict(context)
        link = values.pop("link", None)
        if link is not None:
            endpoint, arguments = link
            link = url_for(endpoint, **arguments, _external=True)
        values["link"] = link
        values["home"] = url_for("main.index", _external=True)
        subject = render_template(f"mail/{template}/subject.txt", **values).strip()
        text = render_template(f"mail/{template}/body.txt", **values)
        html = render_template(f"mail/{template}/body.html", **values)
    return " ".join(subject.split()), text, html, link


def deliver(template: str, to: str, locale: str, context: dict) -> dict:
    """Render and send one message now (the worker's job); what was done, for the job's result."""
    subject, text, html, link = render(template, locale, context)
    message = EmailMultiAlternatives(subject, text, current_app.config["MAIL_DEFAULT_SENDER"], [to])
    message.attach_alternative(html, "text/html")
    if current_app.config["MAIL_SERVER"]:
        message.send()
        log.info("mail: sent %r to %s through %s", template, mask(to), current_app.config["MAIL_SERVER"])
        return {"template": template, "to": mask(to), "via": "smtp"}
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.message().as_bytes())
    # Only the development outbox logs the link: with SMTP, links (tokens) never reach the logs.
    log.info("mail: wrote %r for %s to %s%s", template, to, path, f"; link: {link}" if link else "")
    return {"template": template, "to": mask(to), "via": "file", "path": str(path)}

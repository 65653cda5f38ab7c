"""A real SMTP server for the tests (aiosmtpd on a free loopback port) and the jobs that send to it.

`smtp_server` lives for the whole run; `mailbox` empties it for a test and reads what arrived;
`mail_settings` points the test app at it (use with @pytest.mark.app_config("mail_settings"));
`run_jobs` runs the queued jobs in this process with rq's SimpleWorker in burst mode, against the
real test Redis, as the worker process would (each job inside the app's context).
"""
import email
import re
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from rq import Queue, SimpleWorker

from tests.support.processes import free_port
from worker.context import AppContextJob

LINK_RE = re.compile(r"https?://\S+token=[\w.\-]+")


class Recorder:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class Mailbox:
    """What the SMTP server received, read like an inbox."""

    def __init__(self, recorder: Recorder):
        self.recorder = recorder

    def clear(self):
        with self.recorder.lock:
            self.recorder.messages.clear()

    def to(self, address: str) -> list:
        with self.recorder.lock:
            return [m for rcpt, m in self.recorder.messages if address in rcpt]

    @property
    def all(self) -> list:
        with self.recorder.lock:
            return [m for _rcpt, m in self.recorder.messages]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20.0) -> list:
        """Block until `count` messages to `address` arrived (a worker process sends them)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} message(s) to {address} never arrived; got {len(self.to(address))}")

    def last(self, address: str):
        found = self.to(address)
        assert found, f"no message to {address}; all: {[m['To'] for m in self.all]}"
        return found[-1]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message) -> str:
    """The single-use link of a message (the same in its text and HTML bodies)."""
    found = LINK_RE.findall(text_of(message))
    assert found, text_of(message)
    assert found[0] in html_of(message).replace("&amp;", "&")
    return found[0]


def path_of(link: str) -> str:
    """The link's path and query, to follow it with the test client."""
    return "/" + link.split("/", 3)[3]


@pytest.fixture(scope="session")
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    box = Mailbox(smtp_server.handler)
    box.clear()
    return box


@pytest.fixture
def mail_settings(smtp_server):
    """App settings that send mail to the test SMTP server."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_USE_TLS": False,
            "MAIL_DEFAULT_SENDER": "Reelhouse <no-reply@reelhouse.test>"}


@pytest.fixture
def run_jobs(app, redis_conn):
    """Run every queued job now, in this process (rq's SimpleWorker, burst mode, real Redis)."""

    def run():
        queue = Queue(app.config["RQ_QUEUE"], connection=redis_conn, job_class=AppContextJob)
        worker = SimpleWorker([queue], connection=redis_conn, job_class=AppContextJob)
        worker.work(burst=True, logging_level="WARNING")
        return worker

    return run

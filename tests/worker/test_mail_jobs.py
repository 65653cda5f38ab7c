"""Mail jobs: a real worker process delivers to SMTP; failures are retried, then kept; the outbox for `make run`."""
import pytest
from rq import Queue
from rq.registry import FailedJobRegistry

from tests.conftest import REDIS_URL
from tests.support.mailbox import link_in, text_of
from tests.support.processes import free_port
from webapp.core import mail


def test_a_worker_process_sends_the_reset_link(app, guest, client, start, smtp_server, mailbox, redis_conn):
    worker = start("worker", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    assert client.post("/api/v1/auth/password-reset", json={"email": guest.email}).status_code == 202
    message = mailbox.wait_for(guest.email)[0]
    assert "token=" in link_in(message)
    assert "password" in text_of(message)
    worker.wait_for_log("mail: sent 'password_reset'")


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", JOB_RETRY_DELAYS=[0, 0])
def test_an_unreachable_smtp_server_is_retried_then_the_job_is_kept(app, run_jobs, redis_conn):
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    with app.test_request_context():
        mail.enqueue("password_reset", "someone@example.com", "en",
                     {"minutes": 30, "link": ("auth.reset_password", {"token": "t"})})
    run_jobs()
    failed = FailedJobRegistry(queue=Queue(app.config["RQ_QUEUE"], connection=redis_conn))
    [job_id] = failed.get_job_ids()
    job = failed.job_class.fetch(job_id, connection=redis_conn)
    assert job.retries_left == 0, job.retries_left  # the first try and both retries were used
    assert "ConnectionRefusedError" in job.latest_result().exc_string


def test_without_a_mail_server_messages_are_written_to_the_outbox(app, tmp_path, run_jobs, redis_conn, caplog):
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.test_request_context():
        mail.enqueue("password_reset", "someone@example.com", "ko",
                     {"minutes": 30, "link": ("auth.reset_password", {"token": "abc"})})
    with caplog.at_level("INFO"):
        run_jobs()
    [eml] = (tmp_path / "outbox").glob("*.eml")
    content = eml.read_text()
    assert "To: someone@example.com" in content and "text/html" in content
    assert "link: http://localhost/password/reset?token=abc" in caplog.text
    assert REDIS_URL

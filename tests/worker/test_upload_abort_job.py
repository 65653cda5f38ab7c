"""The scheduled abort of abandoned direct uploads, run by the Procfile's scheduler and worker as real
processes against a real S3 server (moto's): registered only with object storage, it aborts the
multipart uploads nobody finished and the worker logs each one."""
import pytest

from tests.support.processes import wait_until
from webapp.media import storage
from worker.schedule import ABORT_UPLOADS_JOB_ID, recurring_jobs

pytestmark = [pytest.mark.slow, pytest.mark.app_config("s3_storage")]


def test_the_scheduler_runs_the_abort_job_and_the_worker_logs_each_aborted_upload(app, start, s3_server,
                                                                                  s3_bucket, s3_storage):
    key = storage.new_upload_key(storage.MP4)
    upload_id = storage.backend().create_multipart(key, storage.MP4)  # a browser began, then left
    client = s3_server.client()
    settings = {**s3_storage, "DIRECT_UPLOAD_HOURS": "0"}  # anything begun before now is abandoned
    worker = start("worker", **settings)
    scheduler = start("scheduler", **settings)  # registers the job and queues its catch-up run at once

    scheduler.wait_for_log(f"Registered {ABORT_UPLOADS_JOB_ID}")
    wait_until(lambda: not client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads"),
               message="the abandoned upload to be aborted")
    worker.wait_for_log(f"abort_abandoned_uploads: aborted the upload of {key} (upload id {upload_id})")
    worker.wait_for_log("abort_abandoned_uploads: aborted 1 upload(s) begun more than 0 h ago")


def test_the_abort_job_is_registered_only_with_object_storage(app):
    assert ABORT_UPLOADS_JOB_ID in [job.id for job in recurring_jobs(app.config)]
    assert ABORT_UPLOADS_JOB_ID not in [job.id for job in recurring_jobs({**app.config, "STORAGE_BACKEND": "local"})]

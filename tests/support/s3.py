"""A real S3-compatible server for the tests: moto's standalone server (PyPI `moto[server]`) in its own
process on a free loopback port, spoken to over HTTP by boto3 exactly as AWS S3 or MinIO would be, and
checking every request's signature as they do (tests/support/s3_signatures.py).

Fixtures (registered in tests/conftest.py):
- `s3_server` (session): the running server; `.endpoint_url`, `.access_key`, `.secret_key`, `.client()`.
- `s3_bucket` (per test): a fresh, empty bucket's name; emptied and removed afterwards.
- `s3_storage` (per test): the app settings for the S3 backend on that bucket; use it as
  `@pytest.mark.app_config("s3_storage")`, or read it for a worker's environment.
"""
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config as BotoConfig

from tests.support.processes import free_port

ACCESS_KEY = "AKIAREELHOUSETEST0001"
SECRET_KEY = "reelhouse-test-secret-never-in-a-browser-0001"
REGION = "us-east-1"


class MotoServer:
    """moto_server in a subprocess; stop() ends it."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.access_key, self.secret_key, self.region = ACCESS_KEY, SECRET_KEY, REGION
        self._log = (log_dir / "moto.log").open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("s3_signatures.py")), "--port", str(self.port),
             "--access-key", self.access_key, "--secret-key", self.secret_key, "--region", self.region],
            env={**os.environ, "MOTO_PORT": str(self.port)}, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait(self, deadline: float = 30.0) -> "MotoServer":
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.popen.poll() is not None:
                raise RuntimeError("moto_server exited; see its log")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("moto_server did not start listening")

    def client(self):
        """A plain boto3 client of the server (for tests to look into the bucket)."""
        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                            config=BotoConfig(s3={"addressing_style": "path"}))

    def settings(self, bucket: str) -> dict:
        """App settings (also environment variables) for the S3 backend on `bucket`."""
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": self.endpoint_url, "S3_BUCKET": bucket,
                "S3_REGION": self.region, "AWS_ACCESS_KEY_ID": self.access_key,
                "AWS_SECRET_ACCESS_KEY": self.secret_key}

    def stop(self):
        self.popen.terminate()
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)
        self._log.close()


def empty_and_remove(client, bucket: str) -> None:
    """Delete a bucket with everything in it (objects and unfinished multipart uploads)."""
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", ()):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def bucket_keys(client, bucket: str) -> list[str]:
    """Every key in the bucket, sorted."""
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.extend(item["Key"] for item in page.get("Contents", ()))
    return sorted(keys)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server over real HTTP on a free loopback port, for the whole run."""
    server = MotoServer(tmp_path_factory.mktemp("moto")).wait()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server):
    """A fresh empty bucket for one test (its name)."""
    name = f"reelhouse-{uuid.uuid4().hex[:12]}"
    client = s3_server.client()
    client.create_bucket(Bucket=name)
    yield name
    empty_and_remove(client, name)


@pytest.fixture
def s3_storage(s3_server, s3_bucket):
    """Settings for the app (or a worker's environment) to keep media in the test's bucket."""
    return s3_server.settings(s3_bucket)

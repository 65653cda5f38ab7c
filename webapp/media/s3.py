"""The S3 backend: media in a bucket of AWS S3 or any S3-compatible server (MinIO), through boto3.

boto3 because it is the reference client of the S3 protocol: Signature V4, multipart uploads,
presigned URLs, retries and the differences between AWS and MinIO are handled there, and
`s3transfer` is not needed for our bounded part-by-part uploads. Path-style addressing
(`endpoint/bucket/key`) works with MinIO and AWS alike and lets nginx reach the bucket through one
fixed address (offload mode). The client computes checksums only where the protocol requires
them: S3-compatible servers differ in the newer checksum headers.
"""
import logging
from datetime import UTC, datetime

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from webapp.media.backends import (
    Backend,
    BlockReader,
    MissingObject,
    ObjectInfo,
    PendingUpload,
    StorageError,
    check_key,
)

log = logging.getLogger(__name__)
NOT_FOUND = {"404", "NoSuchKey", "NotFound", "NoSuchUpload"}


def _missing(error: Exception) -> bool:
    return isinstance(error, ClientError) and (
        error.response.get("Error", {}).get("Code") in NOT_FOUND
        or str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")) == "404")


def _storage_error(error: Exception, key: str) -> StorageError:
    if _missing(error):
        return MissingObject(key)
    return StorageError(f"storage failed for {key}: {error}")


class S3Reader(BlockReader):
    """A seekable file over an object, read in Range requests bound to the ETag first seen (an
    object replaced meanwhile is an error, not a mix of two files)."""

    def __init__(self, backend: "S3Backend", info: ObjectInfo):
        super().__init__(info.size)
        self.backend = backend
        self.info = info

    def _fetch(self, start, end):
        extra = {"IfMatch": self.info.etag} if self.info.etag else {}
        try:
            answer = self.backend.client.get_object(Bucket=self.backend.bucket, Key=self.info.key,
                                                    Range=f"bytes={start}-{end}", **extra)
            with answer["Body"] as body:
                data = body.read()
        except (ClientError, BotoCoreError) as error:
            raise _storage_error(error, self.info.key) from None
        if len(data) != end - start + 1:
            raise StorageError(f"{self.info.key}: short read at {start}")
        return data


class S3Backend(Backend):
    """Objects in one bucket; keys as given (no prefix)."""

    name = "s3"

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str = "us-east-1",
                 access_key: str | None = None, secret_key: str | None = None,
                 part_size: int = 8 * 1024 * 1024, public_endpoint_url: str | None = None):
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.part_size = part_size
        self.client = self._client(endpoint_url, region, access_key, secret_key)
        # Presigned URLs for browsers are signed for the address browsers use (the host is signed).
        self.public_client = (self._client(public_endpoint_url, region, access_key, secret_key)
                              if public_endpoint_url and public_endpoint_url != endpoint_url else self.client)

    @staticmethod
    def _client(endpoint_url, region, access_key, secret_key):
        config = BotoConfig(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
            max_pool_connections=50,  # a gevent worker serves many streams at once
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        return boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key, config=config)

    @classmethod
    def from_config(cls, config) -> "S3Backend":
        """The backend of the S3_* and AWS_* settings."""
        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET.")
        return cls(config["S3_BUCKET"], config.get("S3_ENDPOINT_URL"), config.get("S3_REGION") or "us-east-1",
                   config.get("AWS_ACCESS_KEY_ID"), config.get("AWS_SECRET_ACCESS_KEY"),
                   config.get("S3_PART_SIZE_MB", 8) * 1024 * 1024, config.get("S3_PUBLIC_ENDPOINT_URL"))

    def ensure_bucket(self) -> bool:
        """Create the bucket unless it exists; True when it was created."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return False
        except ClientError as error:
            if not _missing(error):
                raise
        self.client.create_bucket(Bucket=self.bucket)
        return True

    # Writing
    def save(self, key, chunks, content_type=None):
        check_key(key)
        extra = {"ContentType": content_type} if content_type else {}
        buffer, upload_id, parts, size = bytearray(), None, [], 0
        try:
            for chunk in chunks:
                buffer += chunk
                size += len(chunk)
                while len(buffer) >= self.part_size:
                    if upload_id is None:
                        upload_id = self.create_multipart(key, content_type)
                    with memoryview(buffer) as view:
                        part = bytes(view[:self.part_size])  # one copy, not a slice and a copy
                    del buffer[:self.part_size]
                    parts.append(self._upload_part(key, upload_id, len(parts) + 1, part))
                    del part
            if upload_id is None:
                self.client.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer), **extra)
            else:
                if buffer:
                    parts.append(self._upload_part(key, upload_id, len(parts) + 1, bytes(buffer)))
                self.complete_multipart(key, upload_id, parts)
        except BaseException as error:
            if upload_id is not None:
                self.abort_multipart(key, upload_id)
            if isinstance(error, ClientError | BotoCoreError):
                raise _storage_error(error, key) from None
            raise
        return size

    def _upload_part(self, key, upload_id, number, data) -> dict:
        answer = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number,
                                         Body=data)
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def delete(self, key):
        if key:
            try:
                self.client.delete_object(Bucket=self.bucket, Key=check_key(key))
            except (ClientError, BotoCoreError) as error:
                if not _missing(error):
                    raise _storage_error(error, key) from None

    # Reading
    def head(self, key):
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except (ClientError, BotoCoreError) as error:
            if _missing(error):
                return None
            raise _storage_error(error, key) from None
        return ObjectInfo(key, answer["ContentLength"], answer["LastModified"].timestamp(), answer.get("ETag"))

    def open(self, key, info=None):
        info = info or self.head(key)
        if info is None:
            raise MissingObject(key)
        return S3Reader(self, info)

    def iter_range(self, key, start, end, chunk):
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=check_key(key), Range=f"bytes={start}-{end}")
        except (ClientError, BotoCoreError) as error:
            raise _storage_error(error, key) from None
        return self._body(answer["Body"], key, end - start + 1, chunk)

    @staticmethod
    def _body(body, key, length, chunk):
        sent = 0
        try:
            for piece in body.iter_chunks(chunk):
                sent += len(piece)
                yield piece
        except BotoCoreError as error:
            raise StorageError(f"{key}: {error}") from None
        finally:
            body.close()
        if sent != length:
            raise StorageError(f"{key}: storage sent {sent} of {length} bytes")

    # Listing
    def list_older_than(self, prefix, seconds):
        cutoff = datetime.now(UTC).timestamp() - seconds
        found = []
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix,
                                                                      Delimiter="/")
        for page in pages:
            for item in page.get("Contents", ()):
                modified = item["LastModified"].timestamp()
                if modified < cutoff:
                    found.append(ObjectInfo(item["Key"], item["Size"], modified, item.get("ETag")))
        return sorted(found, key=lambda info: info.key)

    # Presigned URLs and multipart uploads
    def presigned_get(self, key, expires):
        return self.client.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": check_key(key)},
                                                  ExpiresIn=expires)

    def create_multipart(self, key, content_type=None):
        extra = {"ContentType": content_type} if content_type else {}
        return self.client.create_multipart_upload(Bucket=self.bucket, Key=check_key(key), **extra)["UploadId"]

    def presigned_part_url(self, key, upload_id, part_number, expires):
        return self.public_client.generate_presigned_url(
            "upload_part", ExpiresIn=expires,
            Params={"Bucket": self.bucket, "Key": check_key(key), "UploadId": upload_id, "PartNumber": part_number})

    def list_parts(self, key, upload_id):
        parts = []
        pages = self.client.get_paginator("list_parts").paginate(Bucket=self.bucket, Key=check_key(key),
                                                                 UploadId=upload_id)
        try:
            for page in pages:
                parts.extend({"PartNumber": p["PartNumber"], "ETag": p["ETag"], "Size": p["Size"]}
                             for p in page.get("Parts", ()))
        except (ClientError, BotoCoreError) as error:  # NoSuchUpload: completed or aborted -> MissingObject
            raise _storage_error(error, key) from None
        return sorted(parts, key=lambda part: part["PartNumber"])

    def complete_multipart(self, key, upload_id, parts):
        try:
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=check_key(key), UploadId=upload_id,
                MultipartUpload={"Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]})
        except (ClientError, BotoCoreError) as error:  # NoSuchUpload: completed meanwhile -> MissingObject
            raise _storage_error(error, key) from None

    def abort_multipart(self, key, upload_id):
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=check_key(key), UploadId=upload_id)
        except (ClientError, BotoCoreError) as error:
            if not _missing(error):
                log.warning("storage: could not abort the upload of %s: %s", key, error)

    def list_multipart_uploads(self, prefix="", older_than=0):
        cutoff = datetime.now(UTC).timestamp() - older_than
        found = []
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=prefix)
        for page in pages:
            for upload in page.get("Uploads", ()):
                initiated = upload["Initiated"].timestamp()
                if initiated < cutoff:
                    found.append(PendingUpload(upload["Key"], upload["UploadId"], initiated))
        return found

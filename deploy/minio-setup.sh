#!/bin/sh
# The media bucket in the compose stack's MinIO (service `minio-setup`, run with the `mc` client
# on every `docker compose up`): creates the bucket, keeps it private (no anonymous access), and
# gives the app its own key, allowed this bucket's objects and nothing else (no other bucket, no
# administration). Each step leaves what already exists as it is, so running it again is harmless;
# a changed AWS_SECRET_ACCESS_KEY replaces the old secret.
set -eu
: "${MINIO_URL:?}" "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${S3_BUCKET:?}"
: "${AWS_ACCESS_KEY_ID:?}" "${AWS_SECRET_ACCESS_KEY:?}"

mc alias set store "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "store/$S3_BUCKET"
mc anonymous set none "store/$S3_BUCKET"

policy=$(mktemp)
cat > "$policy" <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET"]},
    {"Effect": "Allow",
     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET/*"]}
  ]
}
JSON
mc admin policy create store reelhouse-app "$policy"
rm -f "$policy"
mc admin user add store "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
if ! mc admin user info store "$AWS_ACCESS_KEY_ID" | grep -q "reelhouse-app"; then
    mc admin policy attach store reelhouse-app --user "$AWS_ACCESS_KEY_ID"
fi
echo "bucket $S3_BUCKET ready; key $AWS_ACCESS_KEY_ID may use it"

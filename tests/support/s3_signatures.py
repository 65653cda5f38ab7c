"""moto's standalone S3 server, checking AWS Signature Version 4 as AWS S3 and MinIO do.

moto answers any request, signed or not, right or wrong (its own check, off by default, reads only
the Authorization header, not presigned URLs). This runs moto's WSGI application behind a check of
every request's signature, header-signed (boto3) or presigned (browsers, nginx), against the one
key the tests use: a request altered on its way (path, query, Host, a signed header), signed with
another secret, or presented after its presigned URL expired is refused with S3's own 403 errors
and never reaches moto. CORS preflights (OPTIONS) pass unsigned, as S3 answers them.

Also as S3 does: the credential's scope (date, region, service), unsigned x-amz-* headers, the host
header signed, a signed payload hash against the body, a presigned URL's lifetime (a week at most).

Run as a script: `python tests/support/s3_signatures.py --port P --access-key K --secret-key S [--region R]`.
"""
import argparse
import hashlib
import hmac
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote, unquote_to_bytes

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = timedelta(minutes=15)
MAX_EXPIRES = 604800  # seconds: a presigned URL lives a week at most
HEX_SHA256_RE = re.compile(r"[0-9a-f]{64}")
# Payloads the signature does not cover (the other kinds are checked against the body)
UNCHECKED_PAYLOADS = {"UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}
AUTHORIZATION_RE = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*"
                              r"Signature=([0-9a-f]+)")


class Refused(Exception):
    def __init__(self, code: str, message: str, status: str = "403 Forbidden"):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _bad_request(code: str, message: str) -> Refused:
    return Refused(code, message, "400 Bad Request")


def _encode(raw: str, safe: str = "-_.~") -> str:
    """URI-encode as SigV4 asks, from the bytes the client sent (never from a lossy decoding)."""
    return quote(unquote_to_bytes(raw), safe=safe)


def _header(environ, name: str) -> str:
    """A request header's value as received, for the canonical request (trimmed, inner spaces collapsed)."""
    key = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}.get(
        name, "HTTP_" + name.upper().replace("-", "_"))
    return " ".join(environ.get(key, "").split())


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _raw_query(environ) -> list[tuple[str, str]]:
    """The query's (name, value) pairs as sent (still percent-encoded)."""
    pairs = []
    for item in environ.get("QUERY_STRING", "").split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((name, value))
    return pairs


def expected_signature(environ, secret: str, credential: str, signed_headers: str, amz_date: str,
                       payload_hash: str, query: list[tuple[str, str]]) -> str:
    """The signature a holder of `secret` computes for this request (canonical request per SigV4, S3
    flavour: the path is encoded once, as sent, and never normalised)."""
    raw_path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    path = _encode(raw_path.split("?", 1)[0], safe="/-_.~")
    canonical_query = "&".join(sorted(f"{_encode(name)}={_encode(value)}" for name, value in query))
    canonical_headers = "".join(f"{name}:{_header(environ, name)}\n" for name in signed_headers.split(";"))
    canonical_request = "\n".join([environ["REQUEST_METHOD"], path, canonical_query, canonical_headers,
                                   signed_headers, payload_hash])
    _key_id, date, region, service, _terminator = credential.split("/")
    scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join([ALGORITHM, amz_date, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    return hmac.new(_signing_key(secret, date, region, service), string_to_sign.encode(),
                    hashlib.sha256).hexdigest()


def check(environ, access_key: str, secret: str, region: str, now: datetime) -> None:
    """Raise Refused unless the request carries a valid SigV4 signature by `access_key` for `region`;
    a signed payload hash is checked against the body (which is put back for moto to read)."""
    query = _raw_query(environ)
    params = {unquote(name): unquote(value) for name, value in query}
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header:
        match = AUTHORIZATION_RE.fullmatch(header.strip())
        if not match:
            raise _bad_request("AuthorizationHeaderMalformed", "The authorization header is malformed.")
        credential, signed_headers, signature = match.groups()
        amz_date = _header(environ, "x-amz-date")
        payload_hash = _header(environ, "x-amz-content-sha256")
        if not payload_hash:
            raise _bad_request("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
    elif "X-Amz-Signature" in params:
        if params.get("X-Amz-Algorithm") != ALGORITHM:
            raise _bad_request("AuthorizationQueryParametersError",
                               "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        credential, signed_headers = params.get("X-Amz-Credential", ""), params.get("X-Amz-SignedHeaders", "")
        signature, amz_date = params["X-Amz-Signature"], params.get("X-Amz-Date", "")
        payload_hash = params.get("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
        query = [(name, value) for name, value in query if unquote(name) != "X-Amz-Signature"]
        expires = params.get("X-Amz-Expires", "")
        if not expires.isdigit() or not 1 <= int(expires) <= MAX_EXPIRES:
            raise _bad_request("AuthorizationQueryParametersError",
                               "X-Amz-Expires must be a number of seconds from 1 to 604800.")
    else:
        raise Refused("AccessDenied", "Access Denied")
    parts = credential.split("/")
    if len(parts) != 5 or parts[0] != access_key:
        raise Refused("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    if parts[2:] != [region, "s3", "aws4_request"] or parts[1] != amz_date[:8]:
        raise _bad_request("AuthorizationHeaderMalformed", f"The credential scope is wrong; expecting "
                                                           f"'{amz_date[:8]}/{region}/s3/aws4_request'.")
    signed = signed_headers.split(";")
    if "host" not in signed:
        raise _bad_request("AuthorizationHeaderMalformed", "The host header must be signed.")
    for key in environ:
        name = key[5:].lower().replace("_", "-") if key.startswith("HTTP_X_AMZ_") else None
        if name and name not in signed and not (name == "x-amz-content-sha256" and not header):
            raise Refused("AccessDenied", "There were headers present in the request which were not signed")
    try:
        signed_at = datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise Refused("AccessDenied", "X-Amz-Date must be in the ISO8601 Long Format.") from None
    if header and abs(now - signed_at) > MAX_CLOCK_SKEW:
        raise Refused("RequestTimeTooSkewed", "The difference between the request time and the current time "
                                              "is too large.")
    if not header and now > signed_at + timedelta(seconds=int(params["X-Amz-Expires"])):
        raise Refused("AccessDenied", "Request has expired")
    computed = expected_signature(environ, secret, credential, signed_headers, amz_date, payload_hash, query)
    if not hmac.compare_digest(computed.encode(), signature.encode("latin-1", "replace")):
        raise Refused("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                                               "signature you provided. Check your key and signing method.")
    _check_payload(environ, payload_hash)


def _check_payload(environ, payload_hash: str) -> None:
    if payload_hash in UNCHECKED_PAYLOADS:
        return
    if not HEX_SHA256_RE.fullmatch(payload_hash):
        raise _bad_request("InvalidRequest", f"This server does not take payloads signed as {payload_hash}.")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    if hashlib.sha256(body).hexdigest() != payload_hash:
        raise _bad_request("XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header does not match what was computed.")


class SignatureCheck:
    """WSGI middleware: requests pass to `app` only with a valid signature (or as CORS preflights)."""

    def __init__(self, app, access_key: str, secret: str, region: str):
        self.app, self.access_key, self.secret, self.region = app, access_key, secret, region

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "OPTIONS":
            try:
                check(environ, self.access_key, self.secret, self.region, datetime.now(UTC))
            except Refused as refused:
                body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{refused.code}</Code>'
                        f"<Message>{refused.message}</Message></Error>").encode()
                start_response(refused.status, [("Content-Type", "application/xml"),
                                                ("Content-Length", str(len(body)))])
                return [body]
        return self.app(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    app = SignatureCheck(DomainDispatcherApplication(create_backend_app), args.access_key, args.secret_key,
                         args.region)
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()

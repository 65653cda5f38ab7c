"""moto's standalone S3 server, checking AWS Signature Version 4 as AWS S3 and MinIO do.

moto answers any request, signed or not, right or wrong (its own check, off by default, reads only
the Authorization header, not presigned URLs). This runs moto's WSGI application behind a check of
every request's signature, header-signed (boto3) or presigned (browsers, nginx), against the one
key the tests use: a request altered on its way (path, query, Host, a signed header), signed with
another secret, or presented after its presigned URL expired is refused with S3's own 403 errors
and never reaches moto. CORS preflights (OPTIONS) pass unsigned, as S3 answers them.

Run as a script: `python tests/support/s3_signatures.py --host H --port P --access-key K --secret-key S`.
"""
import argparse
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = timedelta(minutes=15)
AUTHORIZATION_RE = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*"
                              r"Signature=([0-9a-f]+)")


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _encode(text: str, safe: str = "-_.~") -> str:
    return quote(text, safe=safe)


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


def expected_signature(environ, secret: str, credential: str, signed_headers: str, amz_date: str,
                       payload_hash: str, query: list[tuple[str, str]]) -> str:
    """The signature a holder of `secret` computes for this request (canonical request per SigV4, S3 flavour:
    the path is encoded once, as sent, and never normalised)."""
    raw_path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    path = _encode(unquote(raw_path.split("?", 1)[0]), safe="/-_.~")
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query))
    names = signed_headers.split(";")
    canonical_headers = "".join(f"{name}:{_header(environ, name)}\n" for name in names)
    canonical_request = "\n".join([environ["REQUEST_METHOD"], path, canonical_query, canonical_headers,
                                   signed_headers, payload_hash])
    _key_id, date, region, service, _terminator = credential.split("/")
    scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join([ALGORITHM, amz_date, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    return hmac.new(_signing_key(secret, date, region, service), string_to_sign.encode(),
                    hashlib.sha256).hexdigest()


def check(environ, access_key: str, secret: str, now: datetime) -> None:
    """Raise Refused unless the request carries a valid SigV4 signature by `access_key`."""
    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    params = dict(query)
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header:
        match = AUTHORIZATION_RE.fullmatch(header.strip())
        if not match:
            raise Refused("AuthorizationHeaderMalformed", "The authorization header is malformed.")
        credential, signed_headers, signature = match.groups()
        amz_date = _header(environ, "x-amz-date")
        payload_hash = _header(environ, "x-amz-content-sha256")
        if not payload_hash:
            raise Refused("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
    elif "X-Amz-Signature" in params:
        if params.get("X-Amz-Algorithm") != ALGORITHM:
            raise Refused("AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        credential, signed_headers = params.get("X-Amz-Credential", ""), params.get("X-Amz-SignedHeaders", "")
        signature, amz_date = params["X-Amz-Signature"], params.get("X-Amz-Date", "")
        payload_hash = params.get("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
        query = [(k, v) for k, v in query if k != "X-Amz-Signature"]
    else:
        raise Refused("AccessDenied", "Access Denied")
    if credential.count("/") != 4 or credential.split("/")[0] != access_key:
        raise Refused("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    try:
        signed_at = datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise Refused("AccessDenied", "X-Amz-Date must be in the ISO8601 Long Format.") from None
    if header and abs(now - signed_at) > MAX_CLOCK_SKEW:
        raise Refused("RequestTimeTooSkewed", "The difference between the request time and the current time "
                                              "is too large.")
    if not header and now > signed_at + timedelta(seconds=int(params.get("X-Amz-Expires", "0") or 0)):
        raise Refused("AccessDenied", "Request has expired")
    computed = expected_signature(environ, secret, credential, signed_headers, amz_date, payload_hash, query)
    if not hmac.compare_digest(computed, signature):
        raise Refused("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                                               "signature you provided. Check your key and signing method.")


class SignatureCheck:
    """WSGI middleware: requests pass to `app` only with a valid signature (or as CORS preflights)."""

    def __init__(self, app, access_key: str, secret: str):
        self.app, self.access_key, self.secret = app, access_key, secret

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "OPTIONS":
            try:
                check(environ, self.access_key, self.secret, datetime.now(UTC))
            except Refused as refused:
                body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{refused.code}</Code>'
                        f"<Message>{refused.message}</Message></Error>").encode()
                start_response("403 Forbidden", [("Content-Type", "application/xml"),
                                                 ("Content-Length", str(len(body)))])
                return [body]
        return self.app(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    args = parser.parse_args()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    app = SignatureCheck(DomainDispatcherApplication(create_backend_app), args.access_key, args.secret_key)
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()

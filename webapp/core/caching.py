"""One caching policy for every response, and content-hashed static URLs.

- Static files: `url_for("static", ...)` adds `?v=<hash of the file's content>`; a request carrying
  the file's current hash may be kept for a year (`immutable`), any other is revalidated
  (`no-cache` with ETag). A changed file gets a new URL, so browsers never run stale code.
- Token answers (`/api/v1/auth/...`): `no-store` (and `Pragma: no-cache` for old proxies).
- Everything else the app renders (pages, API answers, redirects, errors) is personal or may be:
  `no-store`. A view that sets its own Cache-Control (video bytes) keeps it, made `private`.
"""
import hashlib
import os

from flask import current_app, request
from werkzeug.security import safe_join

STATIC_MAX_AGE = 365 * 24 * 3600
HASH_LENGTH = 12
TOKEN_PATHS = ("/api/v1/auth/",)
PUBLIC_FILE_ENDPOINTS = ("static", "api_docs.swagger_ui_file")  # the same bytes for everyone
_hashes: dict[tuple, str] = {}


def static_hash(filename: str) -> str | None:
    """A short SHA-256 of a static file's content (cached per path, size and modification time)."""
    path = safe_join(current_app.static_folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    digest = _hashes.get(key)
    if digest is None:
        sha = hashlib.sha256()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 16), b""):
                sha.update(block)
        digest = _hashes[key] = sha.hexdigest()[:HASH_LENGTH]
    return digest


def add_static_hash(endpoint, values):
    """url_defaults hook: static URLs carry their content hash (`?v=...`)."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = static_hash(values["filename"])
        if digest:
            values["v"] = digest


def apply_cache_policy(response):
    """after_request hook: the Cache-Control of every response, decided here and nowhere else."""
    cache = response.cache_control
    if request.endpoint in PUBLIC_FILE_ENDPOINTS and response.status_code in (200, 206, 304):
        filename = (request.view_args or {}).get("filename")
        version = request.args.get("v")
        if request.endpoint == "static" and version and filename and version == static_hash(filename):
            cache.no_cache = None
            cache.public = True
            cache.max_age = STATIC_MAX_AGE
            cache.immutable = True
        return response
    if request.path.startswith(TOKEN_PATHS) or "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
        if request.path.startswith(TOKEN_PATHS):
            response.headers["Pragma"] = "no-cache"
        return response
    if not cache.no_store:  # the view chose a policy (video bytes): never a shared cache
        cache.public = False
        cache.private = True
    return response


def register(app):
    """Install the static URL hashing and the response policy on the app."""
    app.url_defaults(add_static_hash)
    app.after_request(apply_cache_policy)

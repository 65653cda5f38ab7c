"""Every use of a web library's private API, in one place (tests/test_library_adapters.py pins each one).

When an upgrade changes one of these internals, a pinning test fails instead of a feature failing
quietly. Business code never reaches into a library's private attributes itself.
"""
import inspect
import threading
import time
from functools import lru_cache

from flask import Flask, current_app, g, request
from flask_jwt_extended import JWTManager, view_decorators
from flask_jwt_extended.config import config as jwt_config
from flask_limiter import Limiter
from flask_smorest import Api
from flask_talisman import Talisman
from werkzeug.datastructures import Headers


def loaded_login_user():
    """The user Flask-Login already loaded for this request, or None; never loads one.

    Flask-Login caches the request's user in `g._login_user` (0.6); reading `current_user` instead
    would load the user (a query) just to write a log line.
    """
    return g.get("_login_user")


def decoded_access_token() -> dict:
    """The claims of the access token flask-jwt-extended verified for this request, or {}.

    flask-jwt-extended 4 keeps them in `g._jwt_extended_jwt`; its public `get_jwt()` raises when
    no token was verified, which is the normal case for a page.
    """
    return g.get("_jwt_extended_jwt") or {}


def forget_limiter_outage(limiter) -> None:
    """After init_app the limiter talks to a new storage, so an outage seen on the previous one no
    longer applies. Flask-Limiter 4 keeps that flag on the (process-wide) Limiter object, in the
    private `_storage_dead`, and clears it only after a successful re-check up to 32 s later.
    """
    limiter._storage_dead = False


class ResourceApi(Api):
    """flask-smorest's Api, with resources documented under readable tags, no error handlers of its
    own, and an OpenAPI document written when it is first read.

    flask-smorest 0.47 names a resource's tag after its blueprint (`api_users`) and offers no option
    to change it; registering by hand uses its private registry (`blp_name_to_api`, which its
    decorators read at request time) and `register_views_in_doc`. Its own HTTP error handlers are
    left out (`_register_error_handlers`): the app's handlers answer every error with our envelope.

    Writing the document (`register_views_in_doc`: each operation's schemas resolved and deep-copied)
    was 40 % of building the app, in every web process and every test. Nothing but the document
    reads it, so each part is written when `spec` is first read (the spec endpoint, the docs page,
    `flask openapi`), in registration order. flask-smorest assigns `spec` in `_init_spec` and reads
    it only to document.
    """

    def __init__(self, *args, **kwargs):
        self._unwritten = []  # write(spec) callables, in registration order
        self._writer = None  # the thread writing them now (it reads the spec as it is)
        self._write_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        if self._unwritten and self._writer != threading.get_ident():
            with self._write_lock:
                self._writer = threading.get_ident()
                try:
                    while self._unwritten:
                        self._unwritten.pop(0)(self._spec)
                finally:
                    self._writer = None
        return self._spec

    @spec.setter
    def spec(self, value):
        self._spec = value

    def document(self, write):
        """Have `write(spec)` complete the OpenAPI document when it is first read."""
        self._unwritten.append(write)

    def _register_error_handlers(self):
        """The app-wide handlers (webapp/core/errors.py) already answer HTTP errors under /api."""

    def register_resource(self, blp, url_prefix, tag, description):
        """Attach a resource blueprint and document its operations under one readable tag."""
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
        self._app.register_blueprint(blp, url_prefix=url_prefix)

        def write(spec):
            blp.register_views_in_doc(self, self._app, spec, name=blp.name, parameters=None)
            spec.tag({"name": tag, "description": description})

        self.document(write)


class VerifiedTokenCache(JWTManager):
    """flask-jwt-extended's manager, remembering tokens whose signature and claims it has verified.

    flask-jwt-extended 4.7 decodes a token three times per request (claims and header unverified,
    then verified: HMAC, JSON, claim checks) in the private `_decode_jwt_from_config`. The same
    token string signed with the same key verifies the same way every time, so a verified token's
    claims are remembered (per process, at most MAX_VERIFIED tokens) and used again until its `exp`
    passes (leeway 0, as configured); an expired or unknown token goes through the full decode and
    gets its usual error. Every other check of a request (token type, session version, live
    session, user and company) still runs on each request.
    """

    MAX_VERIFIED = 4096

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._verified = {}

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        remember_verified_token_headers()

    def _decode_jwt_from_config(self, encoded_token, csrf_value=None, allow_expired=False):
        if csrf_value is not None or allow_expired:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        key = (jwt_config.decode_key, encoded_token)
        claims = self._verified.get(key)
        if claims is not None and time.time() < claims["exp"]:
            return dict(claims)
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        if isinstance(claims.get("exp"), int | float):
            if len(self._verified) >= self.MAX_VERIFIED:
                self._verified.clear()
            self._verified[key] = dict(claims)
        return claims


def remember_verified_token_headers() -> None:
    """Parse each verified token's header once per process, not on every request.

    flask-jwt-extended 4.7 reads a token's header again after verifying the token, through
    `get_unverified_jwt_headers` as named in its private `view_decorators` module; PyJWT checks each
    of the token's three segments there with a Python loop over every character: about 5 % of a
    small API request's CPU. That call comes only after the token verified, and the header of a
    token string never changes, so the headers of recent tokens are remembered (least recently used
    first out, VerifiedTokenCache.MAX_VERIFIED of them) and handed out as copies.
    """
    parse = view_decorators.get_unverified_jwt_headers
    if getattr(parse, "cache_info", None):
        return  # already installed (one app per process, or several in the tests)
    remembered = lru_cache(maxsize=VerifiedTokenCache.MAX_VERIFIED)(parse)

    def verified_token_headers(encoded_token: str) -> dict:
        return dict(remembered(encoded_token))

    verified_token_headers.cache_info = remembered.cache_info
    view_decorators.get_unverified_jwt_headers = verified_token_headers


class SyncFlask(Flask):
    """Flask, answering "is this hook a coroutine?" from the function's code flags directly.

    Flask passes every before/after/teardown hook and the view through `ensure_sync` on every
    request (about 25 calls for an API request here), and each call runs `inspect.iscoroutinefunction`,
    which unwraps methods and partials first: about 3 % of a small API request. A plain function or
    bound method is answered from its code object's CO_COROUTINE flag (what that check ends up
    reading); anything else, and every coroutine, goes through Flask's own `ensure_sync`.
    """

    def ensure_sync(self, func):
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if code is not None and not code.co_flags & inspect.CO_COROUTINE:
            return func
        return super().ensure_sync(func)


class RouteLimiter(Limiter):
    """Flask-Limiter, without its per-request hook while no limit applies to every request.

    Flask-Limiter 4 runs `_check_request_limit` before every request to evaluate application-wide,
    default, blueprint and meta limits (and their in-memory fallbacks); limits declared on a view
    (all of ours: login, sign-up, password reset) are checked by the view's own decorator
    (`in_middleware=False`), and their headers and deductions by the after_request hook, which
    stays. With none of the former configured the hook evaluates nothing, at ~3.5 % of a small API
    request's CPU; it runs again as soon as any of them exists.
    """

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware and not self.limits_every_request():
            return None
        return super()._check_request_limit(callable_name, in_middleware)

    def limits_every_request(self) -> bool:
        """Is any limit configured that the before-request hook must evaluate?"""
        manager = self.limit_manager
        return bool(manager._application_limits or manager._default_limits or manager._blueprint_limits
                    or self._meta_limits or self._in_memory_fallback)


class SiteWideTalisman(Talisman):
    """flask-talisman, with the site's security headers built once instead of on every response.

    flask-talisman 1.1 re-reads its options and rebuilds the Content-Security-Policy and
    Permissions-Policy strings for each response (`_set_response_headers`), and looks the options
    up again before each request to redirect to HTTPS and make a nonce. Without per-view options
    (views decorated with the Talisman object) and without a nonce, those are the same for every
    response: the headers are built once, on the first response, and copied after that; HSTS
    still depends on each request (HTTPS only), and the HTTPS redirect runs when FORCE_HTTPS is on.
    A view with its own options gets flask-talisman's full treatment.
    """

    _site_headers = None

    def _has_view_options(self) -> bool:
        view = current_app.view_functions.get(request.endpoint)
        return hasattr(view, "talisman_view_options") or bool(self.content_security_policy_nonce_in)

    def _force_https(self):
        if self.force_https or self._has_view_options():
            return super()._force_https()
        return None

    def _make_nonce(self):
        if self._has_view_options():
            super()._make_nonce()

    def _set_response_headers(self, response):
        if self._has_view_options():
            return super()._set_response_headers(response)
        if self._site_headers is None:
            headers, options = Headers(), self._get_local_options()
            self._set_feature_policy_headers(headers, options)
            self._set_permissions_policy_headers(headers, options)
            self._set_document_policy_headers(headers, options)
            self._set_frame_options_headers(headers, options)
            self._set_content_security_policy_headers(headers, options)
            self._set_referrer_policy_headers(headers)
            self._site_headers = list(headers.items())
        for name, value in self._site_headers:
            response.headers[name] = value
        self._set_hsts_headers(response.headers)
        return response

"""Every use of a web library's private API, in one place (tests/test_library_adapters.py pins each one).

When an upgrade changes one of these internals, a pinning test fails instead of a feature failing
quietly. Business code never reaches into a library's private attributes itself.
"""
from flask import g
from flask_smorest import Api


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
    """flask-smorest's Api, with resources documented under readable tags and no error handlers of its own.

    flask-smorest 0.47 names a resource's tag after its blueprint (`api_users`) and offers no option
    to change it; registering by hand uses its private registry (`blp_name_to_api`, which its
    decorators read at request time) and `register_views_in_doc`. Its own HTTP error handlers are
    left out (`_register_error_handlers`): the app's handlers answer every error with our envelope.
    """

    def _register_error_handlers(self):
        """The app-wide handlers (webapp/core/errors.py) already answer HTTP errors under /api."""

    def register_resource(self, blp, url_prefix, tag, description):
        """Attach a resource blueprint and document its operations under one readable tag."""
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
        self._app.register_blueprint(blp, url_prefix=url_prefix)
        blp.register_views_in_doc(self, self._app, self.spec, name=blp.name, parameters=None)
        self.spec.tag({"name": tag, "description": description})

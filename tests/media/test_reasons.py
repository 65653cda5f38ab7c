"""Reasons are codes with parameters, worded when shown: in any language, nested, and through pickling
(rq keeps a job's result, which `flask jobs` reads back)."""
import pickle

from flask_babel import force_locale

from webapp.media.reasons import Reason, render, stored


def test_a_reason_is_worded_in_the_current_language_and_survives_pickling(app):
    with app.test_request_context():
        nested = Reason("source_refused", reason=Reason("host_not_found", host="nowhere.example"))
        assert nested == "The video source is not allowed: The host nowhere.example could not be found."
        assert stored(nested) == ("source_refused", {"reason": {"code": "host_not_found",
                                                                "params": {"host": "nowhere.example"}}})
        again = pickle.loads(pickle.dumps({"detail": nested}))["detail"]
        assert (again, again.code, again.params) == (nested, nested.code, nested.params)
        with force_locale("ko"):
            korean = render(*stored(Reason("http_status", status=404)))
        assert "404" in korean and korean != "The video source answered with HTTP status 404."
        assert render("text", {"text": "Written before codes"}) == "Written before codes"
        assert render("no_longer_known", None) == render("internal_error", None)

"""Validation of video source URLs given by admins."""
from urllib.parse import urlsplit

from flask_babel import gettext as _

from webapp.core import limits
from webapp.core.exceptions import InvalidSource
from webapp.media.ssrf import UnsafeTarget, check_url


def check_source_url(url: str | None) -> str:
    """A cleaned http(s) URL on a public (or allow-listed) host, or InvalidSource (400) saying why."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        raise InvalidSource(_("The source URL is not valid."), fields={"source_url": [_("Not a valid URL.")]}) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidSource(_("The source must be an http:// or https:// URL."),
                            fields={"source_url": [_("Use an http:// or https:// URL.")]})
    if not parts.hostname:
        raise InvalidSource(_("The source URL has no host."), fields={"source_url": [_("The URL has no host.")]})
    if len(url) > limits.SOURCE_URL_MAX:
        raise InvalidSource(_("The source URL is too long."),
                            fields={"source_url": [_("At most %(count)s characters.", count=limits.SOURCE_URL_MAX)]})
    try:
        check_url(url)
    except UnsafeTarget as error:
        raise InvalidSource(str(error), fields={"source_url": [str(error)]}) from None
    return url


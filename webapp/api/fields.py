"""Marshmallow fields for API input that PostgreSQL can always store."""
from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate
from werkzeug.datastructures import FileStorage


class Text(fields.String):
    """A string without NUL characters or lone surrogates (PostgreSQL rejects both)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError(_("Must not contain NUL characters."))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(_("Must be valid Unicode text.")) from None
        return text


def text(max_length, *, min_length=None, **kwargs):
    """A Text field limited to `max_length` characters (documented as maxLength)."""
    return Text(validate=validate.Length(min=min_length, max=max_length), **kwargs)


class UploadedFile(Upload):
    """A multipart file part; a plain text field of the same name is a 400, not a crash later."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError(_("Send a file (a multipart file part with a filename)."))
        return value


class JsonNumber(fields.Float):
    """A JSON number: a string such as "12" is refused like any other non-number (and so are NaN and ±∞)."""

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)

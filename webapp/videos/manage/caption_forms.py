"""The form of the captions page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired

from webapp.models_watching import CAPTION_LABEL_MAX, CAPTION_LANGUAGE_MAX

ACCEPTED_CAPTIONS = ".vtt,.srt,text/vtt"


class CaptionForm(FlaskForm):
    """Lengths and the language rule are the service's (webapp/videos/caption_services.py)."""

    file = FileField(_l("Caption file (WebVTT or SRT, up to 1 MB)"),
                     validators=[FileRequired(_l("Choose a caption file."))], render_kw={"accept": ACCEPTED_CAPTIONS})
    language = StringField(_l("Language"), validators=[DataRequired()],
                           render_kw={"maxlength": CAPTION_LANGUAGE_MAX, "autocomplete": "off", "spellcheck": "false"})
    label = StringField(_l("Label"), validators=[DataRequired()], render_kw={"maxlength": CAPTION_LABEL_MAX})
    is_default = BooleanField(_l("Show these captions when the video starts"))
    submit = SubmitField(_l("Add captions"))

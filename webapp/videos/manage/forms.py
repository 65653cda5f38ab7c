"""Forms of the video pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, HiddenField, StringField, SubmitField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.core import limits
from webapp.core.kept_forms import PageForm

ACCEPTED_FILES = "video/mp4,video/webm,.mp4,.webm"
ACCEPTED_IMAGES = "image/jpeg,image/png,image/webp"


class VideoFromUrlForm(PageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    source_url = URLField(_l("Video URL"), validators=[DataRequired(), Length(max=limits.SOURCE_URL_MAX)])
    submit = SubmitField(_l("Add video"))


class TitledUploadForm(PageForm):
    """What every upload is sent with: its title."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=limits.TITLE_MAX)])


class UploadVideoForm(TitledUploadForm):
    file = FileField(_l("Video file (MP4 or WebM)"), validators=[FileRequired(_l("Choose a video file."))],
                     render_kw={"accept": ACCEPTED_FILES})
    submit = SubmitField(_l("Upload video"))


class DirectUploadForm(TitledUploadForm):
    """Finishing a direct upload (upload.js): the title and the upload's signed ticket."""

    token = HiddenField(validators=[DataRequired()])


class EditVideoForm(PageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    source_url = URLField(_l("Video URL"), validators=[Optional(), Length(max=limits.SOURCE_URL_MAX)])
    submit = SubmitField(_l("Save changes"))


class PosterFrameForm(PageForm):
    at_seconds = DecimalField(_l("Time in the video (seconds)"), places=None,
                              validators=[InputRequired(), NumberRange(min=0)], render_kw={"step": "0.1", "min": "0"})
    submit = SubmitField(_l("Use this frame"))


class PosterImageForm(PageForm):
    file = FileField(_l("Image (JPEG, PNG or WebP)"), validators=[FileRequired(_l("Choose an image."))],
                     render_kw={"accept": ACCEPTED_IMAGES})
    submit = SubmitField(_l("Upload poster"))

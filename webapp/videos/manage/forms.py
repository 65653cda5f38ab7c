"""Forms of the video pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, URLField
from wtforms.validators import DataRequired, Length, Optional

from webapp.core import limits
from webapp.core.kept_forms import PageForm

ACCEPTED_FILES = "video/mp4,video/webm,.mp4,.webm"


class VideoFromUrlForm(PageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    source_url = URLField(_l("Video URL"), validators=[DataRequired(), Length(max=limits.SOURCE_URL_MAX)])
    submit = SubmitField(_l("Add video"))


class UploadVideoForm(PageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    file = FileField(_l("Video file (MP4 or WebM)"), validators=[FileRequired(_l("Choose a video file."))],
                     render_kw={"accept": ACCEPTED_FILES})
    submit = SubmitField(_l("Upload video"))


class EditVideoForm(PageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    source_url = URLField(_l("Video URL"), validators=[Optional(), Length(max=limits.SOURCE_URL_MAX)])
    submit = SubmitField(_l("Save changes"))

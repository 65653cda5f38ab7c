"""Forms of the video pages."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, URLField
from wtforms.validators import DataRequired, Length, Optional

from webapp.core import limits

ACCEPTED_FILES = "video/mp4,video/webm,.mp4,.webm"


class VideoFromUrlForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    source_url = URLField("Video URL", validators=[DataRequired(), Length(max=limits.SOURCE_URL_MAX)])
    submit = SubmitField("Add video")


class UploadVideoForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    file = FileField("Video file (MP4 or WebM)", validators=[FileRequired("Choose a video file.")],
                     render_kw={"accept": ACCEPTED_FILES})
    submit = SubmitField("Upload video")


class EditVideoForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=limits.TITLE_MAX)])
    source_url = URLField("Video URL", validators=[Optional(), Length(max=limits.SOURCE_URL_MAX)])
    submit = SubmitField("Save changes")

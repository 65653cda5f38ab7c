"""Forms of the video pages."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, URLField
from wtforms.validators import DataRequired, Length, Optional

ACCEPTED_FILES = "video/mp4,video/webm,.mp4,.webm"


class VideoFromUrlForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    source_url = URLField("Video URL", validators=[DataRequired(), Length(max=2048)])
    submit = SubmitField("Add video")


class UploadVideoForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    file = FileField("Video file (MP4 or WebM)", validators=[FileRequired("Choose a video file.")],
                     render_kw={"accept": ACCEPTED_FILES})
    submit = SubmitField("Upload video")


class EditVideoForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    source_url = URLField("Video URL", validators=[Optional(), Length(max=2048)])
    submit = SubmitField("Save changes")

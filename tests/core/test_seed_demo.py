"""The demo data command is idempotent and creates playable uploaded videos."""
from tests.support.media import stored_object
from webapp.core.extensions import db
from webapp.demo import seed_demo_data
from webapp.media.storage import sniff_video_type
from webapp.models import Corporation, User, Video


def test_seed_demo_twice_creates_the_demo_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@acme.example" in result.output
    seed_demo_data()
    assert db.session.query(Corporation).count() == 2
    assert db.session.query(User).count() == 5
    corporations = {c.name: c for c in db.session.query(Corporation)}
    assert corporations["Acme Studios"].is_paid()
    assert not corporations["Globex Training"].is_paid()
    videos = db.session.query(Video).all()
    assert len(videos) == 4
    for video in videos:
        head = stored_object(video.file_key)[:64]
        assert sniff_video_type(head) == "video/mp4"

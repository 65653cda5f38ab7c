"""Points for a first view are credited exactly once, even under simultaneous requests."""
import threading

import requests

from tests import factories
from tests.support.helpers import session_cookie
from webapp.core.extensions import db
from webapp.media.credit import record_view
from webapp.models import User, VideoView


def fire_together(urls, cookies, headers=None):
    """GET every URL from its own thread and connection, all released at the same instant."""
    barrier = threading.Barrier(len(urls))
    statuses = [None] * len(urls)

    def fetch(index, url):
        barrier.wait()
        statuses[index] = requests.get(url, cookies=cookies, headers=headers, timeout=30).status_code

    threads = [threading.Thread(target=fetch, args=(i, url)) for i, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def totals(user):
    db.session.expire_all()
    views = db.session.query(VideoView).filter_by(user_id=user.id).all()
    return db.session.get(User, user.id).points, len(views), sum(view.points_awarded for view in views)


def test_fifty_simultaneous_requests_for_one_video_credit_once(app, live_server, guest, corporation, origin):
    video = factories.make_video(corporation, source_url=origin.add_file("once.mp4", b"v" * 4096))
    url = f"{live_server.url}/videos/{video.id}/stream"
    statuses = fire_together([url] * 50, session_cookie(app, guest), headers={"Range": "bytes=0-99"})
    assert statuses == [206] * 50
    assert totals(guest) == (10, 1, 10)


def test_twenty_simultaneous_first_views_of_twenty_videos_lose_no_points(app, live_server, guest, corporation,
                                                                          origin):
    url = origin.add_file("many.mp4", b"m" * 4096)
    videos = [factories.make_video(corporation, source_url=url) for _ in range(20)]
    urls = [f"{live_server.url}/videos/{video.id}/stream" for video in videos]
    statuses = fire_together(urls, session_cookie(app, guest))
    assert statuses == [200] * 20
    assert totals(guest) == (200, 20, 200)


def test_record_view_returns_what_it_awarded(app, guest, corporation):
    video = factories.make_video(corporation)
    app.config["VIEW_POINTS"] = 7
    assert record_view(guest, video) == 7
    assert record_view(guest, video) == 0
    assert totals(guest) == (7, 1, 7)

"""The position and stats API: resume across devices, the value rules, watch time that cannot be forged."""
import threading
from datetime import timedelta

import pytest
import requests
from freezegun import freeze_time

from tests import factories
from tests.api.conftest import assert_error
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.media.credit import record_view
from webapp.models_watching import WatchPosition


@pytest.fixture
def lesson(admin):
    """A 120-second video of the admin's company."""
    return factories.make_video(admin.corporation, title="Lesson", duration_seconds=120.0)


def position_url(video):
    return f"/api/v1/videos/{video.id}/position"


def test_before_any_save_the_position_is_zero_and_null(client, guest, bearer, lesson):
    response = client.get(position_url(lesson), headers=bearer(guest))
    assert response.status_code == 200
    assert response.get_json() == {"position_seconds": 0.0, "completed": False, "updated_at": None}


def test_a_saved_position_is_read_back_and_a_value_past_the_end_is_clamped(client, guest, bearer, lesson):
    headers = bearer(guest)
    response = client.put(position_url(lesson), headers=headers, json={"position_seconds": 31.5})
    assert response.status_code == 204 and response.data == b""
    body = client.get(position_url(lesson), headers=headers).get_json()
    assert body["position_seconds"] == 31.5 and body["completed"] is False and body["updated_at"]

    assert client.put(position_url(lesson), headers=headers, json={"position_seconds": 10_000}).status_code == 204
    body = client.get(position_url(lesson), headers=headers).get_json()
    assert body == {**body, "position_seconds": 120.0, "completed": True}


def test_at_95_percent_a_video_counts_as_completed(client, guest, bearer, lesson):
    headers = bearer(guest)
    client.put(position_url(lesson), headers=headers, json={"position_seconds": 113})
    assert client.get(position_url(lesson), headers=headers).get_json()["completed"] is False
    client.put(position_url(lesson), headers=headers, json={"position_seconds": 114})
    assert client.get(position_url(lesson), headers=headers).get_json()["completed"] is True


@pytest.mark.parametrize("value", [-1, -0.001, "12", "abc", None, True, [], {"s": 1}])
def test_a_bad_position_is_a_400_and_saves_nothing(client, guest, bearer, lesson, value):
    headers = bearer(guest)
    error = assert_error(client.put(position_url(lesson), headers=headers, json={"position_seconds": value}), 400)
    assert "position_seconds" in error["fields"]
    assert client.get(position_url(lesson), headers=headers).get_json()["updated_at"] is None


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinities_are_refused(client, guest, bearer, lesson, literal):
    headers = {**bearer(guest), "Content-Type": "application/json"}
    response = client.put(position_url(lesson), headers=headers, data=f'{{"position_seconds": {literal}}}')
    assert_error(response, 400)


def test_missing_field_is_a_400(client, guest, bearer, lesson):
    assert_error(client.put(position_url(lesson), headers=bearer(guest), json={}), 400)


def test_other_companies_and_the_trash_answer_404(client, admin, other_admin, bearer, lesson):
    for method, kwargs in (("get", {}), ("put", {"json": {"position_seconds": 1}})):
        assert_error(getattr(client, method)(position_url(lesson), headers=bearer(other_admin), **kwargs), 404)
    lesson.deleted_at, lesson.deleted_by_id = utcnow(), admin.id
    db.session.commit()
    assert_error(client.put(position_url(lesson), headers=bearer(admin), json={"position_seconds": 1}), 404)
    assert_error(client.get(position_url(lesson), headers=bearer(admin)), 404)
    assert_error(client.get(f"/api/v1/videos/{lesson.id}/stats", headers=bearer(other_admin)), 404)


def test_stats_count_forward_progress_only_and_a_forged_jump_adds_nothing(client, admin, guest, bearer, lesson):
    """Saves every 10 s of real time; a seek back, a 100-second forged jump and a burst of small forged
    steps in one second add nothing (or no more than the time that passed)."""
    guest_headers, admin_headers = bearer(guest), bearer(admin)
    start = utcnow()

    def save(headers, seconds, at):
        with freeze_time(start + timedelta(seconds=at)):
            assert client.put(position_url(lesson), headers=headers,
                              json={"position_seconds": seconds}).status_code == 204

    save(guest_headers, 0, 0)     # the first save only sets the starting point
    save(guest_headers, 10, 10)   # +10
    save(guest_headers, 20, 20)   # +10
    save(guest_headers, 5, 30)    # back: +0
    save(guest_headers, 105, 31)  # a forged jump of 100 s: +0
    for step in range(1, 6):      # a burst of five forged 2-second steps in 50 ms: capped by real time
        save(guest_headers, 105 + step * 2, 31 + step * 0.01)
    save(admin_headers, 0, 40)
    save(admin_headers, 8, 48)    # +8
    record_view(guest, lesson)

    stats = client.get(f"/api/v1/videos/{lesson.id}/stats", headers=admin_headers)
    assert stats.status_code == 200
    body = stats.get_json()
    assert body["views"] == 1 and body["viewers"] == 2
    assert 28 <= body["seconds_watched"] <= 28.2, body  # 20 (guest) + 8 (admin) + the burst's 0.1 s
    assert body["completion_rate"] == 0.5  # the guest reached the end (forged or not, it is where they are)
    assert body["average_percent_watched"] == pytest.approx((20 / 120 + 8 / 120) / 2 * 100, abs=1)


def test_stats_are_for_admins(client, guest, bearer, lesson):
    assert_error(client.get(f"/api/v1/videos/{lesson.id}/stats", headers=bearer(guest)), 403)


def test_stats_before_anyone_watched(client, admin, bearer, lesson):
    body = client.get(f"/api/v1/videos/{lesson.id}/stats", headers=bearer(admin)).get_json()
    assert body == {"views": 0, "viewers": 0, "seconds_watched": 0.0, "completion_rate": 0.0,
                    "average_percent_watched": 0.0}


def test_simultaneous_saves_make_one_row_and_never_fail(live_server, guest, bearer, lesson):
    """Twenty first saves of one viewer released at the same instant: all answered 204, one row, and
    the watch time no larger than one plausible step."""
    headers = bearer(guest)
    url = f"{live_server.url}{position_url(lesson)}"
    barrier = threading.Barrier(20)
    statuses = []

    def put(seconds):
        barrier.wait()
        statuses.append(requests.put(url, json={"position_seconds": seconds}, headers=headers, timeout=30).status_code)

    threads = [threading.Thread(target=put, args=(float(i),)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [204] * 20
    db.session.expire_all()
    rows = db.session.scalars(db.select(WatchPosition).filter_by(user_id=guest.id, video_id=lesson.id)).all()
    assert len(rows) == 1 and rows[0].seconds_watched <= 15

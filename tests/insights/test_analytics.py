"""The analytics pages show a corporation's own viewing figures to its admins only."""
import re


def table_rows(html, testid):
    table = re.search(rf'data-testid="{testid}".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in rows]
    return [row for row in cells if row]  # the header row has no <td>


def test_admin_sees_views_and_points_per_video_with_a_chart(admin_client, watched):
    response = admin_client.get("/analytics/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert table_rows(html, "video-stats") == [
        # views, points, watch time, share of viewers who completed it, average share watched
        ["Popular onboarding", "2", "20", "2:30", "50%", "75%"],
        ["Quiet policy", "1", "10", "2:30", "0%", "25%"],
        ["Nobody watched", "0", "0", "0:00", "–", "–"],
    ]
    assert re.search(r'data-testid="total-views">3<', html) and re.search(r'data-testid="total-points">30<', html)
    chart = re.search(r'<ol[^>]*data-testid="chart-videos".*?</ol>', html, re.S).group(0)
    meters = re.findall(r'<meter min="0" max="(\d+)" value="(\d+)"', chart)
    assert meters == [("2", "2"), ("2", "1")]  # two viewers fill the bar, one fills half of it
    assert "Umbrella secret" not in html
    watch_chart = re.search(r'data-testid="chart-watch-time".*?</ol>', html, re.S).group(0)
    assert "Popular onboarding" in watch_chart and "Quiet policy" in watch_chart  # 2.5 minutes each
    assert "style=" not in html and "<script>" not in html


def test_admin_sees_videos_watched_and_points_per_member(admin_client, watched, guest, admin):
    html = admin_client.get("/analytics/members").get_data(as_text=True)
    assert table_rows(html, "member-stats") == [
        [guest.email, "Guest", "2", "20", "4:10"],
        [admin.email, "Admin", "1", "10", "0:50"],
    ]
    assert "umbrella" not in html


def test_guests_cannot_see_analytics(guest_client):
    assert guest_client.get("/analytics/").status_code == 403
    assert guest_client.get("/analytics/members").status_code == 403


def test_analytics_is_in_the_admin_navigation(admin_client, guest_client):
    assert 'href="/analytics/"' in admin_client.get("/").get_data(as_text=True)
    assert 'href="/analytics/"' not in guest_client.get("/").get_data(as_text=True)

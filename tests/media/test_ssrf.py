"""Video sources may only point at public http(s) hosts, checked at creation and at stream time."""
import ssl
import subprocess
import threading

import pytest
import requests
from werkzeug.serving import make_server

from tests import factories
from webapp.core.exceptions import InvalidSource
from webapp.core.extensions import db
from webapp.media.origin import origin_session
from webapp.media.ssrf import UnsafeTarget, check_url
from webapp.models import User, Video
from webapp.videos.services import add_video_from_url

REFUSED = [
    "http://127.0.0.1/clip.mp4",                    # loopback
    "http://127.1.2.3:8080/clip.mp4",               # loopback, another address of 127/8
    "http://2130706433/clip.mp4",                   # 127.0.0.1 written as a number
    "http://10.0.0.5/clip.mp4",                     # private
    "http://172.16.4.4/clip.mp4",                   # private
    "http://192.168.1.10/clip.mp4",                 # private
    "http://100.64.0.1/clip.mp4",                   # carrier-grade NAT
    "http://169.254.169.254/latest/meta-data/",     # link-local (cloud metadata)
    "http://0.0.0.0/clip.mp4",                      # unspecified
    "http://224.0.0.1/clip.mp4",                    # multicast
    "http://240.0.0.1/clip.mp4",                    # reserved
    "http://[::1]/clip.mp4",                        # IPv6 loopback
    "http://[::ffff:127.0.0.1]/clip.mp4",           # IPv4-mapped loopback
    "http://[fe80::1]/clip.mp4",                    # IPv6 link-local
    "http://[fd00::1]/clip.mp4",                    # IPv6 unique local
    "http://localhost/clip.mp4",                    # a DNS name resolving to 127.0.0.1
    "http://LOCALHOST./clip.mp4",
]


@pytest.mark.parametrize("url", REFUSED)
def test_private_and_local_targets_are_refused(app, url):
    with pytest.raises(UnsafeTarget, match="private or local network"):
        check_url(url, allowed_hosts=[])


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.mp4", "gopher://127.0.0.1/",
                                 "javascript:alert(1)", "//127.0.0.1/a.mp4"])
def test_non_http_schemes_are_refused(app, url):
    with pytest.raises(UnsafeTarget, match="Only http"):
        check_url(url, allowed_hosts=[])


def test_unknown_hosts_are_refused_with_a_clear_message(app):
    with pytest.raises(UnsafeTarget, match="could not be found"):
        check_url("http://no-such-host.invalid/clip.mp4", allowed_hosts=[])


def test_a_public_address_is_accepted_and_pinned(app):
    target = check_url("https://93.184.215.14:8443/clip.mp4", allowed_hosts=[])
    assert (target.address, target.port, target.hostname) == ("93.184.215.14", 8443, "93.184.215.14")


def test_the_allow_list_names_a_host_and_optionally_a_port(app):
    assert check_url("http://127.0.0.1:9000/a.mp4", allowed_hosts=["127.0.0.1:9000"]).address == "127.0.0.1"
    assert check_url("http://localhost:9001/a.mp4", allowed_hosts=["LOCALHOST"]).port == 9001
    assert check_url("http://[::1]:9000/a.mp4", allowed_hosts=["[::1]:9000"]).address == "::1"
    with pytest.raises(UnsafeTarget):
        check_url("http://127.0.0.1:9001/a.mp4", allowed_hosts=["127.0.0.1:9000"])


def test_creating_a_video_from_a_loopback_url_is_a_400_and_writes_nothing(app, admin):
    app.config["VIDEO_SOURCE_ALLOWED_HOSTS"] = []
    with pytest.raises(InvalidSource) as refused:
        add_video_from_url(admin, "Internal", "http://localhost:6379/")
    assert refused.value.status == 400 and refused.value.code == "invalid_source"
    assert "private or local network" in refused.value.fields["source_url"][0]
    assert db.session.query(Video).count() == 0


def test_an_allow_listed_loopback_origin_can_be_added_and_streamed(app, admin, guest, guest_client, origin):
    url = origin.add_file("allowed.mp4", b"\0\0\0\x18ftypmp42" + b"x" * 1000)
    video = add_video_from_url(admin, "Allowed", url)
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 200 and response.data.startswith(b"\0\0\0\x18ftyp")


def test_a_source_that_became_private_is_refused_at_stream_time(app, guest, guest_client, corporation, origin):
    """DNS or the allow-list can change after creation: the stream route checks again."""
    video = factories.make_video(corporation, source_url=origin.add_file("secret.mp4", b"SECRET-BYTES"))
    app.config["VIDEO_SOURCE_ALLOWED_HOSTS"] = []
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 502
    body = response.get_data(as_text=True)
    assert "private or local network" in body and "SECRET-BYTES" not in body
    assert origin.requests == []
    assert db.session.get(User, guest.id).points == 0


def test_a_redirect_to_loopback_is_refused(guest_client, corporation, origin, internal_server):
    moved = origin.add_redirect("moved.mp4", internal_server.url("admin.mp4"))
    video = factories.make_video(corporation, source_url=moved)
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 502
    assert "INTERNAL-SECRET" not in response.get_data(as_text=True)
    assert [path for _, path, _ in origin.requests] == ["/moved.mp4"]
    assert internal_server.requests == []


def test_a_redirect_to_another_scheme_is_refused(guest_client, corporation, origin):
    video = factories.make_video(corporation, source_url=origin.add_redirect("ftp.mp4", "file:///etc/passwd"))
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 502 and "root:" not in response.get_data(as_text=True)


def test_allowed_redirects_are_followed_up_to_three_hops(guest_client, corporation, origin):
    origin.add_file("final.mp4", b"FINAL")
    origin.add_redirect("hop3.mp4", "/final.mp4")
    origin.add_redirect("hop2.mp4", origin.url("hop3.mp4"), status=307)
    origin.add_redirect("hop1.mp4", "hop2.mp4", status=301)
    three = factories.make_video(corporation, source_url=origin.url("hop1.mp4"))
    response = guest_client.get(f"/videos/{three.id}/stream", headers={"Range": "bytes=1-3"})
    assert response.status_code == 206 and response.data == b"INA"
    assert all(rng == "bytes=1-3" for _, _, rng in origin.requests)
    origin.add_redirect("hop0.mp4", "/hop1.mp4")
    four = factories.make_video(corporation, source_url=origin.url("hop0.mp4"))
    response = guest_client.get(f"/videos/{four.id}/stream")
    assert response.status_code == 502 and "too many times" in response.get_data(as_text=True)


def test_https_origins_are_pinned_yet_verified_against_their_host_name(app, tmp_path):
    """The relay connects to the checked IP, but TLS still checks the certificate's name."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    def echo_host(environ, start_response):
        start_response("200 OK", [("Content-Type", "video/mp4")])
        return [environ["HTTP_HOST"].encode()]

    server = make_server("127.0.0.1", 0, echo_host, ssl_context=context)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app.config["VIDEO_SOURCE_ALLOWED_HOSTS"] = ["localhost", "127.0.0.1"]
        good = origin_session().get(f"https://localhost:{server.port}/", verify=str(cert), timeout=5)
        assert good.status_code == 200 and good.text == f"localhost:{server.port}"
        with pytest.raises(requests.exceptions.SSLError):  # the certificate does not name 127.0.0.1
            origin_session().get(f"https://127.0.0.1:{server.port}/", verify=str(cert), timeout=5)
    finally:
        server.shutdown()
        server.server_close()

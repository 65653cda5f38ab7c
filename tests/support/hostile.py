"""What a hostile video origin can answer, for the stream tests of every mode.

Every body carries a script that would call the origin's /canary if it ran, and MARKER, which must
never reach a viewer.
"""
MARKER = "pwned-by-the-origin"
HOSTILE_CASES = ("html page", "svg with script", "javascript", "json", "404 with html", "500 with html", "redirect")


def page_with_script(canary: str) -> bytes:
    """An HTML page whose script (and image) would call the canary."""
    return (f'<!doctype html><html><body><h1>{MARKER}</h1><img src="{canary}?img">'
            f'<script>fetch("{canary}?script")</script></body></html>').encode()


def add_hostile_answers(origin) -> dict:
    """Hostile answers on the origin, by case name; the paths end in .mp4 as a disguised source would."""
    canary = origin.url("canary")
    page = page_with_script(canary)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg"><text>{MARKER}</text>'
           f'<script>fetch("{canary}?svg")</script></svg>').encode()
    return {
        "html page": origin.add_answer("hostile-page.mp4", 200, "text/html", page),
        "svg with script": origin.add_answer("hostile-image.mp4", 200, "image/svg+xml", svg),
        "javascript": origin.add_answer("hostile-script.mp4", 200, "application/javascript",
                                        f'fetch("{canary}?js") // {MARKER}'.encode()),
        "json": origin.add_answer("hostile-data.mp4", 200, "application/json", f'{{"x": "{MARKER}"}}'.encode()),
        "404 with html": origin.add_answer("hostile-missing.mp4", 404, "text/html", page),
        "500 with html": origin.add_answer("hostile-broken.mp4", 500, "text/html", page),
        "redirect": origin.add_answer("hostile-moved.mp4", 302, "text/html", page,
                                      Location="http://169.254.169.254/latest/meta-data/"),
    }


def polyglot_mp4(canary: str) -> bytes:
    """Bytes that start as an MP4 (an ftyp box) and go on as an HTML page with a script."""
    return b"\0\0\0\x18ftypisom\0\0\0\0isommp41" + page_with_script(canary)

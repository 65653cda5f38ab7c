"""Demo data for `make run`: two companies with members and short clips (`flask seed-demo`)."""
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from webapp.core.clock import plan_today, utcnow
from webapp.core.extensions import db
from webapp.core.transactions import unit_of_work
from webapp.media.backends import chunked
from webapp.media.storage import backend
from webapp.models import Corporation, User, Video

DEMO_MEDIA = Path(__file__).parent / "demo_media"
DEMO_PASSWORD = "demo-password-2026"
DEMO = [
    {"name": "Acme Studios", "paid": True, "admin": "admin@acme.example",
     "guests": ["guest@acme.example", "viewer@acme.example"]},
    {"name": "Globex Training", "paid": False, "admin": "admin@globex.example",
     "guests": ["guest@globex.example"]},
]
DEMO_CLIPS = [("Colour bars and tone", "colour-bars.mp4"), ("Mandelbrot zoom", "mandelbrot.mp4")]


def seed_demo_data():
    """Create the demo corporations, members and videos unless they exist; return the logins."""
    logins = []
    with unit_of_work():
        for spec in DEMO:
            corporation = db.session.scalar(select(Corporation).where(Corporation.name == spec["name"]))
            if corporation is None:
                corporation = Corporation(name=spec["name"], activated_at=utcnow())
                if spec["paid"]:
                    corporation.plan = "paid"
                    corporation.plan_expires_at = plan_today() + timedelta(days=365)
                db.session.add(corporation)
                for email, role in [(spec["admin"], "admin")] + [(g, "guest") for g in spec["guests"]]:
                    user = User(corporation=corporation, email=email, role=role)
                    user.set_password(DEMO_PASSWORD)
                    db.session.add(user)
                db.session.flush()
                for title, filename in DEMO_CLIPS:
                    key = f"demo-{corporation.id}-{filename}"
                    with open(DEMO_MEDIA / filename, "rb") as clip:
                        size = backend().save(key, chunked(clip, 1024 * 1024), "video/mp4")
                    db.session.add(Video(corporation=corporation, title=title, file_key=key,
                                         content_type="video/mp4", size_bytes=size))
            logins.append((spec["name"], spec["admin"], "admin"))
            logins.extend((spec["name"], g, "guest") for g in spec["guests"])
    return logins


"""A throwaway PostgreSQL database for one benchmark run: created empty, dropped at the end."""
import uuid
from contextlib import contextmanager

import psycopg2
from sqlalchemy.engine import make_url


@contextmanager
def throwaway_database(admin_url: str):
    """Yield the SQLAlchemy URL of a new, empty database on the server of `admin_url`; drop it afterwards."""
    url = make_url(admin_url)
    name = f"reelhouse_bench_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username,
                             password=url.password, dbname=url.database or "postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+psycopg2", database=name).render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

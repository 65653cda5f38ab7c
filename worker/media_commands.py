"""CLI for stored media: `flask media migrate --to s3|local` and `flask media create-bucket`."""
import click
from flask import current_app
from flask.cli import AppGroup

from webapp.media import migration
from webapp.media.backends import LocalBackend
from webapp.media.s3 import S3Backend

media_cli = AppGroup("media", help="Stored media (uploads, posters, caption files).")


@media_cli.command("migrate")
@click.option("--to", "to", type=click.Choice(["s3", "local"]), required=True,
              help="Where the media goes: the S3_* bucket, or MEDIA_ROOT.")
@click.option("--delete-source", is_flag=True, help="Remove each source object once its copy is verified.")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many copies (run again to go on).")
def migrate(to, delete_source, limit):
    """Copy every stored file a row refers to into the other storage, verifying each copy; resumable.

    Rows do not change (keys stay the same): set STORAGE_BACKEND to the new storage afterwards.
    """
    local = LocalBackend(current_app.config["MEDIA_ROOT"])
    bucket = S3Backend.from_config(current_app.config)
    source, target = (local, bucket) if to == "s3" else (bucket, local)
    report = migration.migrate(source, target, migration.referenced_keys(), delete_source=delete_source,
                               limit=limit, say=click.echo)
    click.echo(f"copied {len(report.copied)} ({report.bytes_copied} bytes), already there {len(report.present)}, "
               f"missing {len(report.missing)}, failed {len(report.failed)}, removed from the source "
               f"{len(report.removed)}")
    if not report.ok:
        raise SystemExit(1)


@media_cli.command("create-bucket")
def create_bucket():
    """Create the S3_BUCKET unless it exists (MinIO's first start, a new AWS account)."""
    created = S3Backend.from_config(current_app.config).ensure_bucket()
    click.echo(f"bucket {current_app.config['S3_BUCKET']}: {'created' if created else 'already there'}")


def register(app):
    """Add the `media` command group to the app's CLI."""
    app.cli.add_command(media_cli)

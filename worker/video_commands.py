"""CLI for videos: `flask videos probe [--all | ID...]` probes videos now, in this process."""
import click
from flask.cli import AppGroup

from webapp.media.source import SourceError
from webapp.videos import processing

videos_cli = AppGroup("videos", help="Video maintenance.")


@videos_cli.command("probe")
@click.option("--all", "everything", is_flag=True, help="Every video not in the trash.")
@click.argument("video_ids", nargs=-1, type=int)
def probe(everything, video_ids):
    """Probe videos again (container, duration, size, codecs, poster) and print the outcome."""
    if everything == bool(video_ids):
        raise click.UsageError("Give video ids or --all (not both).")
    chosen = processing.reprocess(None if everything else list(video_ids))
    missing = sorted(set(video_ids) - {video_id for video_id, _ in chosen})
    for video_id in missing:
        click.echo(f"#{video_id}: no such video (or it is in the trash)", err=True)
    for video_id, version in chosen:
        try:
            result = processing.process_video(video_id, version)
        except SourceError as error:  # cannot happen on the last attempt; kept for clarity
            result = {"outcome": "failed", "detail": str(error)}
        detail = f": {result['detail']}" if result.get("detail") else ""
        click.echo(f"#{video_id}: {result['outcome']}{detail}")
    if missing:
        raise SystemExit(1)


def register(app):
    """Add the `videos` command group to the app's CLI."""
    app.cli.add_command(videos_cli)

"""The `flask` sub-commands (seed-demo, plans, jobs, videos, media), registered on the app by wsgi.py."""
import click

from webapp.demo import DEMO_PASSWORD, seed_demo_data
from worker import commands, media_commands, plan_commands, video_commands


@click.command("seed-demo")
def seed_demo():
    """Create demo companies, members and videos (idempotent) and print the logins."""
    logins = seed_demo_data()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for corporation, email, role in logins:
        click.echo(f"  {email:<24} {role:<6} {corporation}")


def register_commands(app):
    """Add every command to the app's CLI (the web app itself never imports the worker)."""
    app.cli.add_command(seed_demo)
    plan_commands.register(app)
    commands.register(app)
    video_commands.register(app)
    media_commands.register(app)

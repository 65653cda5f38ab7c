"""CLI for plans: `flask plans expire` runs the expiry job inline and prints what it did."""
import click
from flask.cli import AppGroup

from worker.jobs import expire_plans

plans_cli = AppGroup("plans", help="Plan maintenance.")


@plans_cli.command("expire")
def expire():
    """Downgrade every paid plan that expired before today (PLAN_TIMEZONE), now, in this process."""
    result = expire_plans()
    if not result["downgraded"]:
        click.echo("No paid plan has expired: nothing to downgrade.")
        return
    click.echo(f"Downgraded {result['downgraded']} corporation(s) to the free plan:")
    for corporation in result["corporations"]:
        click.echo(f"  #{corporation['id']} {corporation['name']} (paid plan expired on "
                   f"{corporation['expired_on']})")


def register(app):
    """Add the `plans` command group to the app's CLI."""
    app.cli.add_command(plans_cli)

"""The web layer, attached in one place: every screen's blueprint, the JSON API and the template helpers.

Only this module imports the screens and the API (an import-linter contract checks it), so no domain
module can come to depend on a page, a template helper or the API.
"""
from webapp.accounts.account import bp as account_bp
from webapp.accounts.auth import bp as auth_bp
from webapp.accounts.members import bp as members_bp
from webapp.api import register_api
from webapp.companies.plans import bp as plans_bp
from webapp.core import templating
from webapp.core.health import bp as health_bp
from webapp.core.main import bp as main_bp
from webapp.insights.activity import bp as activity_bp
from webapp.insights.analytics import bp as analytics_bp
from webapp.insights.onboarding import first_run_progress
from webapp.videos.library import bp as library_bp
from webapp.videos.manage import bp as videos_bp
from webapp.videos.player import bp as player_bp
from webapp.videos.trash import bp as trash_bp

SCREENS = (activity_bp, analytics_bp, auth_bp, health_bp, main_bp, player_bp, members_bp, videos_bp, trash_bp,
           plans_bp, library_bp, account_bp)


def register_blueprints(app):
    """Attach every screen, then the JSON API (its resources and the /docs page)."""
    for blueprint in SCREENS:
        app.register_blueprint(blueprint)
    register_api(app)


def register_template_helpers(app):
    """Values and filters every template can use."""
    templating.register(app)
    app.jinja_env.globals["first_run_progress"] = first_run_progress  # the home page's checklist

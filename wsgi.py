"""WSGI entry point and CLI app: gunicorn wsgi:app, flask --app wsgi ..."""
from webapp import create_app
from worker.cli import register_commands

app = create_app()
register_commands(app)

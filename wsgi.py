"""WSGI entry point: ``gunicorn wsgi:app``."""

from prep import create_app

app = create_app()

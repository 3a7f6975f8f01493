"""WSGI entry point for production servers: ``gunicorn wsgi:app``."""
from civic import create_app

app = application = create_app()

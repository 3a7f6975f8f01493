"""Entry point for the ``flask`` command: ``flask --app app run``."""
from civic import create_app

app = create_app()

"""htmx helpers: when to answer with a fragment, and the Vary header."""
from __future__ import annotations

from flask import render_template, request


def wants_fragment() -> bool:
    """A fragment only for htmx requests that are not boosted nor history restores."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    template = fragment if wants_fragment() else page
    return render_template(template, **context), status


def add_vary(response):
    response.vary.add("HX-Request")
    return response

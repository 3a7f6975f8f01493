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


def keep_address_after_refusal(response):
    """A boosted form that is refused (4xx, e.g. 422) shows its page again in place. htmx would
    push the form's POST-only action into the address bar, and reloading would then answer 405;
    keep the address of the page instead."""
    if request.method != "GET" and request.headers.get("HX-Boosted") == "true" \
            and 400 <= response.status_code < 500:
        response.headers["HX-Push-Url"] = "false"
    return response

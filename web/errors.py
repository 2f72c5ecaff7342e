"""Friendly error pages (400, 404, 405, 413, 503, 500) that keep the disclaimer and never show case data."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from engine.cases.case_file import MAX_CASE_FILE_BYTES

from .api.problems import http_problem, is_api_request, server_problem
from .security import ORIGIN_REFUSED, drain_body

bp = Blueprint("errors", __name__)


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> tuple[str, int]:
    if error.description == ORIGIN_REFUSED:
        return _page(
            400,
            gettext("This form was not sent from this service"),
            gettext(
                "Your browser says the form came from another site or page, so it was not accepted and nothing "
                "was changed. Open this service's own page and use its buttons."
            ),
        )
    return _page(
        400,
        gettext("This form has expired"),
        gettext(
            "The page was open too long or came from somewhere else, so the form was not accepted. "
            "Your answers are kept: go back, reload the page and try again."
        ),
    )


@bp.app_errorhandler(SecurityError)
def untrusted_host(error: SecurityError) -> Response:
    """A Host this app does not answer to: no page of ours (its links would name that host), a plain refusal."""
    return Response("This service is not offered at this address.\n", status=400, mimetype="text/plain")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    if error.code == 413:
        drain_body()
    if is_api_request():  # the JSON API answers with problem details, never an HTML page
        return http_problem(error)
    status = error.code or 500
    if status == 404:
        return _page(404, gettext("Page not found"), gettext("Check the address, or go back to the start page."))
    if status == 413:
        return _page(
            413,
            gettext("The file is too large"),
            gettext(
                "A case file can be at most %(size)d KB. Nothing was loaded and your current case is unchanged.",
                size=MAX_CASE_FILE_BYTES // 1024,
            ),
        )
    if status == 503:
        page, code = _page(
            503,
            gettext("This page is busy"),
            gettext("Other people are using this page right now. Try again in a few seconds; your case is unchanged."),
        )
        return page, code, {"Retry-After": str(getattr(error, "retry_after", None) or 5)}
    if status == 405:
        return _page(
            405, gettext("This page cannot be used this way"), gettext("Go back and use the buttons on the page.")
        )
    if status >= 500:
        return server_error(error)
    return _page(status, gettext("Something in the request was not right"), gettext("Go back and try again."))


@bp.app_errorhandler(InternalServerError)
def server_error(error: Exception) -> Any:
    if is_api_request():
        return server_problem()
    return _page(
        500,
        gettext("Sorry, there is a problem with the service"),
        gettext(
            "Your answers are still in your browser session. Try again in a moment; "
            "if it keeps happening, download your case file from the result page when it works again."
        ),
    )

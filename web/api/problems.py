"""Errors of the JSON API as RFC 9457 problem details (`application/problem+json`).

Every error the API returns has the same shape: type, title, status, detail and an `errors`
list naming each field at fault. Nothing of a request body is echoed except, for an answer the
engine refused, the answer itself (cut to 200 characters), so the caller can see which one.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from engine.errors import AnswerError

from .models import FieldError, Problem

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "urn:justice-pathway:problem:"
API_PREFIX = "/api/"

ANSWER_SHAPE = (
    "expected true/false, a whole number, a text of at most 200 characters or a list of at most 50 texts "
    "(see GET /api/v1/knowledge for what each question allows)"
)
INVALID_REQUEST = PROBLEM_BASE + "invalid-request"
INVALID_ANSWERS = PROBLEM_BASE + "invalid-answers"
UNKNOWN_JURISDICTION = PROBLEM_BASE + "unknown-jurisdiction"
INVALID_PROFILE = PROBLEM_BASE + "invalid-profile"
GRAPHVIZ_UNAVAILABLE = PROBLEM_BASE + "graphviz-unavailable"
SERVER_ERROR = PROBLEM_BASE + "server-error"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(
    status: int, title: str, detail: str, type_: str = "about:blank", errors: list[FieldError] | None = None
) -> Response:
    body = Problem(type=type_, title=title, status=status, detail=detail, instance=request.path, errors=errors or [])
    return Response(json.dumps(body.model_dump(mode="json", exclude_none=True)), status=status, mimetype=PROBLEM_JSON)


def http_problem(error: HTTPException) -> Response:
    """A plain HTTP error (404, 405, 413, 415, …) as problem details."""
    status = error.code or 500
    if status >= 500:
        return server_problem()
    details = {
        404: "There is no API endpoint at this address; GET /api/v1/openapi.json lists them.",
        405: "This endpoint does not accept this method; GET /api/v1/openapi.json lists the methods.",
        413: "The request body is too large.",
        415: "Send the request body as JSON with Content-Type: application/json.",
    }
    response = problem(status, error.name, details.get(status, "The request was not accepted."))
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def server_problem() -> Response:
    return problem(
        500,
        "Internal Server Error",
        "The service could not complete this request; nothing of it was kept. Try again.",
        SERVER_ERROR,
    )


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def validation_problem(error: ValidationError) -> Response:
    """The request does not have the documented shape (pydantic's errors, one per field)."""
    errors = []
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "json_invalid":
            return problem(
                400, "Malformed JSON", "The request body is not valid JSON (UTF-8).", INVALID_REQUEST, [_body_error()]
            )
        question = str(loc[1]) if len(loc) >= 2 and loc[0] == "answers" else None
        if question is not None:
            # One error per answer, not one per member of the value union.
            if any(e.question == question for e in errors):
                continue
            message = "invalid answer value" if len(loc) > 2 or "[key]" in loc else item["msg"]
            if "[key]" in loc:
                message = "a question id is 1 to 80 letters, digits, '_', '.' or '-'"
            elif kind in ("bool_type", "int_type", "string_type", "list_type", "int_parsing", "bool_parsing"):
                message = ANSWER_SHAPE
            errors.append(FieldError(field=f"answers.{question}", message=message, question=question))
            continue
        errors.append(FieldError(field=_field(loc), message=item["msg"]))
    return problem(
        422,
        "The request is not valid",
        f"{len(errors)} field(s) of the request are not valid; see errors.",
        INVALID_REQUEST,
        errors,
    )


def _body_error() -> FieldError:
    return FieldError(field="body", message="expected a JSON object")


def answers_problem(errors: list[AnswerError]) -> Response:
    """Answers the engine does not accept: the question, what was given and what is allowed."""
    return problem(
        422,
        "Some answers are not accepted",
        f"{len(errors)} answer(s) cannot be accepted; nothing was assessed. See errors.",
        INVALID_ANSWERS,
        [
            FieldError(
                field=f"answers.{e.question_id}",
                message=e.message,
                question=e.question_id,
                given=_json_safe(e.given),
                allowed=e.allowed,
                suggestion=e.suggestion,
            )
            for e in errors
        ],
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, (bool, int, str)) or value is None:
        return value if not isinstance(value, str) or len(value) <= 201 else value[:200] + "…"
    if isinstance(value, (list, tuple, frozenset, set)):
        return [_json_safe(v) for v in list(value)[:50]]
    return str(value)[:200]

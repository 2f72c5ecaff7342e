"""The OpenAPI 3.1 document of the JSON API: pydantic's JSON Schemas of `web.api.models` and a
small hand-written table of paths. Served at /api/v1/openapi.json; tests check that every
response the API gives validates against it (schemathesis) and that the paths match the routes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from . import models

API_VERSION = "1.0.0"
REF = "#/components/schemas/{model}"
PROBLEM = "application/problem+json"

_REQUEST_MODELS = [models.CaseRequest, models.AssessRequest]
_RESPONSE_MODELS = [
    models.Problem,
    models.AssessmentOut,
    models.NextQuestionOut,
    models.KnowledgeOut,
    models.VersionOut,
    models.TreeOut,
]


def _ref(model: type) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": _ref(models.Problem)}}}


def _json(model: type, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


# Errors every endpoint may give (the app's limits and HTTP itself).
_COMMON_ERRORS = {
    "405": _problem("Method not allowed."),
    "500": _problem("Unexpected server error (nothing of the request is kept)."),
}
_CASE_ERRORS = {
    "400": _problem("The body is not valid JSON."),
    "413": _problem("The body is larger than the limit (512 KiB)."),
    "415": _problem("The body is not sent as application/json."),
    "422": _problem(
        "The request does not fit the schema, the profile is unknown, or the engine refuses an answer; "
        "`errors` names each field (for an answer: the question, what was given and what is allowed)."
    ),
}
_CASE_BODY = {"required": True, "content": {"application/json": {"schema": _ref(models.CaseRequest)}}}


def _post(operation_id: str, summary: str, description: str, ok: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = extra.pop("body", _CASE_BODY)
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "requestBody": body,
            "responses": {"200": ok, **_CASE_ERRORS, **_COMMON_ERRORS, **extra.pop("responses", {})},
            **extra,
        }
    }


def _get(operation_id: str, summary: str, ok: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"operationId": operation_id, "summary": summary, "responses": {"200": ok, **_COMMON_ERRORS}}}


PATHS: dict[str, Any] = {
    "/api/v1/assess": _post(
        "assess",
        "Assess a case",
        "The explained recommendation for the answers given (the JSON of `pathway assess --json`): required, "
        "prohibited, recommended and flagged measures, each with its rules, sources and deadlines; the trace; "
        "the questions still open; with `disputed` answers, whether each conclusion holds either way. Decision "
        "support only: never a decision.",
        _json(models.AssessmentOut, "The assessment."),
        body={"required": True, "content": {"application/json": {"schema": _ref(models.AssessRequest)}}},
    ),
    "/api/v1/next-question": _post(
        "nextQuestion",
        "The next question for partial answers",
        "What the interview would ask next (null when complete), with the undecided rules waiting on it.",
        _json(models.NextQuestionOut, "The next question."),
    ),
    "/api/v1/decision-tree": _post(
        "decisionTree",
        "A case's decision tree",
        "The decision points, answers, rules and measures of this case: SVG drawn by Graphviz, or the same tree "
        "as nested JSON with ?format=json (always available).",
        {
            "description": "The tree.",
            "content": {
                "image/svg+xml": {"schema": {"type": "string"}},
                "application/json": {"schema": _ref(models.TreeOut)},
            },
        },
        parameters=[
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["svg", "json"], "default": "svg"},
            }
        ],
        responses={"503": _problem("Graphviz is not available or failed: ask for ?format=json.")},
    ),
    "/api/v1/knowledge": _get(
        "knowledge",
        "Questions, rules, sources and jurisdiction profiles",
        _json(models.KnowledgeOut, "The knowledge base in force, with its version."),
    ),
    "/api/v1/knowledge/version": _get(
        "knowledgeVersion",
        "The knowledge version (hash of the knowledge files) and the app version",
        _json(models.VersionOut, "The versions."),
    ),
    "/api/v1/openapi.json": _get(
        "openapi",
        "This document",
        {"description": "The OpenAPI document.", "content": {"application/json": {"schema": {"type": "object"}}}},
    ),
}


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document (built once per process; it depends on the models only)."""
    inputs = [(m, "validation") for m in _REQUEST_MODELS] + [(m, "serialization") for m in _RESPONSE_MODELS]
    _, schemas = models_json_schema(inputs, ref_template=REF)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Justice Pathway API",
            "version": API_VERSION,
            "summary": "Decision support for the judicial treatment of children associated with terrorist and "
            "violent extremist groups. Decision support only: never a decision.",
            "description": "Stateless: each request carries the whole case; nothing is stored, no cookie is used, "
            "request bodies are never logged. Errors are RFC 9457 problem details (application/problem+json) "
            "with an `errors` list naming each field at fault.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": "/"}],
        "paths": PATHS,
        "components": {"schemas": schemas.get("$defs", {})},
    }

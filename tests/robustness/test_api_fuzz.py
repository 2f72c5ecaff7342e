"""Fuzzing the JSON API with schemathesis against its own served OpenAPI document.

Every operation gets positive and negative (schema-breaking) examples, in process against the
Flask app (WSGI). Checks: no server error, every status code, content type, header and body
documented and valid against the schema, and data that breaks the schema rejected (4xx).
The count of examples tried is printed at the end of the session (`-s` shows it) and kept in
`FUZZ_COUNTS` for the report.
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from web import create_app

EXAMPLES_PER_OPERATION = 150
FUZZ_COUNTS: collections.Counter = collections.Counter()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

app = create_app({"SECRET_KEY": "fuzz", "TESTING": False})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi_document(case):
    response = case.call_and_validate(checks=CHECKS)
    FUZZ_COUNTS[f"{case.method} {case.path}"] += 1
    FUZZ_COUNTS[f"status {response.status_code}"] += 1
    assert "Traceback" not in response.text


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    total = sum(v for k, v in FUZZ_COUNTS.items() if not k.startswith("status"))
    print(f"\nschemathesis: {total} requests; " + ", ".join(f"{k}: {v}" for k, v in sorted(FUZZ_COUNTS.items())))

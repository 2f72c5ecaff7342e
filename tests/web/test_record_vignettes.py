"""The PDF decision record of each vignette (V1-V12 in knowledge/scenarios) is at most three A4 pages.

A typical record: the case details filled in, a decision on every advised measure (followed, one
departure with its reason, the protection measures referred) and a note. Each vignette's case is
loaded as the decision-maker would load it (a case file on the resume page), on the shipped
knowledge base; the pages are counted by `pdfinfo` (Debian's poppler-utils, `make system-deps`).
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import yaml
from flask import Flask

from engine.cases.case_file import DecisionRecord, MeasureDecision, case_data
from engine.load.answers import parse_answers
from engine.run.session import assess_typed
from web import create_app
from web.records import advised

from .conftest import User, browser_client

MAX_PAGES = 3
REASON = (
    "The child has a stable home with an aunt who will accompany him to every hearing; the court "
    "judged that supervision by the youth service meets the concern, so it departed from this advice."
)
NOTE = (
    "The hearing was held in chambers with the child's lawyer and the aunt present. The decision "
    "will be reviewed at the next hearing in four weeks, or earlier if the youth service reports a concern."
)


@pytest.fixture(scope="module")
def real_app() -> Flask:
    return create_app({"SECRET_KEY": "test-secret"})


def pdf_pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def typical_record(assessment) -> DecisionRecord:
    decisions = []
    for number, m in enumerate(advised(assessment)):
        departed = number == 0
        decisions.append(
            MeasureDecision(
                m.kind,
                m.id,
                "departed" if departed else "followed",
                REASON if departed else "",
                refer=m.kind != "prohibit" and "protection" in m.id,
            )
        )
    return DecisionRecord(
        "CJ-2026/0142-JUV",
        "Juvenile Court of Ruritania City, Chamber 3",
        "Judge A. Example",
        assessment.reference.date(),
        NOTE,
        tuple(decisions),
    )


def vignettes(app: Flask):
    kb = app.extensions["pathway_kb"]
    return [entry.scenario for entry in kb.scenarios if entry.scenario.vignette]


def resumed(app: Flask, scenario, hearing: str | None = None, disputes: dict | None = None) -> User:
    """A user who loaded the vignette's case file (with a typical record, and any disputes) on the resume page."""
    kb = app.extensions["pathway_kb"]
    typed, errors = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
    assert not errors
    assessment = assess_typed(kb, typed, scenario.jurisdiction, scenario.reference_date, hearing=hearing)
    data = case_data(
        typed, scenario.jurisdiction, scenario.reference_date, kb.version, hearing, typical_record(assessment), disputes
    )
    user = User(browser_client(app))
    response = user.client.post(
        "/resume",
        data={
            "csrf_token": user.token("/resume"),
            "assess_on": "saved",  # the story's own date, as the user picks it on the form
            "case_file": (io.BytesIO(yaml.safe_dump(data, allow_unicode=True).encode()), "case.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return user


def record_pdf(app: Flask, scenario) -> bytes:
    # The record of the decision the vignette is about (its hearing), as the user chose it on the start page.
    pdf = resumed(app, scenario, scenario.hearing).client.get("/record/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    return pdf.data


def test_the_pdf_record_of_every_vignette_is_at_most_three_pages(real_app):
    pages = {}
    for scenario in vignettes(real_app):
        name = f"{scenario.vignette} {scenario.name[:40]}"
        pages[name] = pdf_pages(record_pdf(real_app, scenario))
    numbers = {int(name[1:].split()[0]) for name in pages}
    assert numbers == set(range(1, 13)), sorted(pages)
    print("\n".join(f"{count} pages  {name}" for name, count in pages.items()))
    assert all(count <= MAX_PAGES for count in pages.values()), pages

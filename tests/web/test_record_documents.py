"""The documents of the decision record: the PDF, the referral letter (DOCX), the JSON record loaded
back, and that none of them is written to the server's disk. The PDF is read with poppler-utils
(`pdfinfo`, `pdftotext`, from `make system-deps`) through pipes."""

from __future__ import annotations

import io
import json
import re
import subprocess

import docx
import pytest

from tests.client_journey import TOKEN
from tests.disk_writes import writes_made

from .conftest import SMALL, User, browser_client
from .test_records import DEPARTED, DETAILS, record_decisions, upload
from .test_result import complete_case


def recorded(user: User) -> User:
    """A complete case with a typical record: details, one departure with its reason, a referral."""
    complete_case(user)
    response = record_decisions(
        user,
        **DETAILS,
        decision_require_appearance_before_judge="departed",
        reason_require_appearance_before_judge=DEPARTED,
        decision_require_legal_assistance="followed",
        decision_recommend_diversion="followed",
        refer_recommend_diversion="y",
        note="Reviewed in four weeks.",
    )
    assert response.status_code == 302
    assert "Your reasons were saved" in user.page(response.headers["Location"])
    return user


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())  # lines are broken where the page breaks them


def pdf_pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


# --- the PDF --------------------------------------------------------------------------------------


def test_the_pdf_record_is_a_download_of_at_most_three_pages_with_the_decision_and_its_reason(user):
    recorded(user)
    response = user.client.get("/record/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == 'attachment; filename="pathway-record-2026-03-01.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
    assert 1 <= pdf_pages(response.data) <= 3
    text = pdf_text(response.data)
    for expected in (*DETAILS.values(), DEPARTED, "Reviewed in four weeks."):
        assert expected in text, expected
    assert "Departed: Bring before a judge" in text and "Followed: Divert" in text
    assert "Not decided" not in text  # every advised measure was decided
    assert user.client.application.extensions["pathway_kb"].version in text
    assert "Does the child admit the facts? yes" in text  # the answers
    assert "R-DIV-01 Diversion: BEIJING rule 11" in text  # each rule behind the advice with its sources
    assert "Print this record" not in text and "Finish and clear" not in text  # no controls on paper


def test_the_pdf_and_the_print_view_are_the_same_page(user):
    recorded(user)
    html = user.page("/record")
    assert "Download this record as a PDF" in html and 'media="print"' in html
    text = pdf_text(user.client.get("/record/pdf").data)
    for heading in ("The decision taken on each advised measure", "Other reasons or remarks", "Answers"):
        assert heading in html and heading in text


def test_the_pdf_fetches_nothing_but_the_app_s_stylesheets(app, monkeypatch):
    from web import records

    with app.test_request_context():
        fetcher = records._static_fetcher()
        css = fetcher.fetch(records.PDF_BASE_URL + "static/print.css")
        assert b"@page" in css.read()
        for url in (
            records.PDF_BASE_URL + "static/../../pyproject.toml",
            records.PDF_BASE_URL + "static/pathway.js",
            "file:///etc/passwd",
            "https://example.org/static/print.css",
        ):
            with pytest.raises(ValueError):
                fetcher.fetch(url)


def test_records_without_a_case_go_to_start(client):
    for path in ("/record/pdf", "/record/referral-letter"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/", path


# --- the referral letter --------------------------------------------------------------------------


def letter_of(user: User) -> docx.document.Document:
    response = user.client.get("/record/referral-letter")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"] == 'attachment; filename="referral-letter-2026-03-01.docx"'
    return docx.Document(io.BytesIO(response.data))


def test_the_referral_letter_carries_the_reference_court_date_and_measures_referred_and_no_answer(user):
    recorded(user)
    letter = letter_of(user)
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Re: the child in case CJ-2026/0142" in text and "Our reference: CJ-2026/0142" in text
    assert "Juvenile Court of Lowland refers the child" in text
    assert "Date: 2026-03-02" in text and text.rstrip().endswith("Judge A. Example\nJuvenile Court of Lowland")
    bullets = [p.text for p in letter.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Divert"]  # the measure referred, and only it
    for answer in ("Violence", "violence", "08:00", "2026-02-27", "admit", DEPARTED, "Reviewed in four weeks"):
        assert answer not in text, answer
    headings = [p.text for p in letter.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Referral of a child to child-protection services", "The measures referred"]
    bold = [run.text for p in letter.paragraphs for run in p.runs if run.bold]
    assert "Re: the child in case CJ-2026/0142" in bold and "Divert" in bold


def test_a_letter_with_nothing_recorded_leaves_lines_to_fill_in(user):
    complete_case(user)
    text = "\n".join(p.text for p in letter_of(user).paragraphs)
    assert "Our reference: ________________" in text
    assert "no measure was marked for referral" in text


def test_the_letter_follows_its_editable_text_template(app, tmp_path):
    """A court edits web/templates/letters/referral.md; the letter is that text with the case filled in."""
    from jinja2 import ChoiceLoader, DictLoader

    edited = "# Our own title\n\nDear colleagues,\ncase {{ case_reference }}.\n\n{% for m in measures %}- {{ m.title }}\n{% endfor %}\n"
    app.jinja_loader = ChoiceLoader([DictLoader({"letters/referral.md": edited}), app.jinja_loader])
    app.jinja_env.loader = app.jinja_loader
    user = recorded(User(browser_client(app)))
    letter = letter_of(user)
    assert [(p.style.name, p.text) for p in letter.paragraphs] == [
        ("Heading 1", "Our own title"),
        ("Normal", "Dear colleagues,\ncase CJ-2026/0142."),
        ("List Bullet", "Divert"),
    ]


# --- the record file, loaded back -----------------------------------------------------------------


def test_the_record_file_holds_the_case_file_and_loads_back_as_the_same_case_and_record(user):
    recorded(user)
    record = user.client.get("/record/download").get_data()
    data = json.loads(record)
    assert data["record"] == "Justice Pathway decision record"
    assert data["case"]["case_reference"] == "CJ-2026/0142" and data["case"]["answers"]["conduct"] == "violence"
    assert data["decision_date"] == "2026-03-02" and data["decided_differently_because"] == "Reviewed in four weeks."
    decisions = {(d["kind"], d["measure"]): d for d in data["decisions"]}
    assert decisions["require", "appearance_before_judge"]["reason"] == DEPARTED
    assert decisions["recommend", "diversion"]["referred_to_child_protection"] is True
    again = User(browser_client(user.client.application))
    response = upload(again, record, "pathway-record-2026-03-01.json", assess_on="saved")
    assert response.status_code == 302 and "The case file was loaded." in again.page(response.headers["Location"])
    assert again.page("/check") == user.page("/check")
    assert again.client.get("/case-file").get_data() == user.client.get("/case-file").get_data()
    same = json.loads(again.client.get("/record/download").get_data())
    assert {k: v for k, v in same.items() if k != "created"} == {k: v for k, v in data.items() if k != "created"}


def test_a_record_file_with_a_bad_case_part_is_explained_with_its_line_and_field(user):
    recorded(user)
    data = json.loads(user.client.get("/record/download").get_data())
    data["case"]["decisions"][0]["reason"] = ""
    response = upload(user, json.dumps(data, indent=2).encode(), "record.json")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<code>case.decisions.0.reason</code>" in html
    assert "give the reason" in html and re.search(r"Line \d+", html)
    old = {k: v for k, v in data.items() if k != "case"}  # a record of an earlier version
    html = upload(user, json.dumps(old).encode(), "record.json").get_data(as_text=True)
    assert "<code>case</code>" in html and "load the case file saved with it" in html


# --- nothing on disk ------------------------------------------------------------------------------


def test_the_documents_are_made_in_memory_and_nothing_is_written_to_disk(app, tmp_path):
    user = recorded(User(browser_client(app)))
    for path in ("/record/pdf", "/record/referral-letter"):  # imports and first renders before watching
        assert user.client.get(path).status_code == 200
    watched = tmp_path.parent
    before = sorted(watched.rglob("*"))
    with writes_made() as writes:
        recorded(user)
        for path in ("/record", "/record/pdf", "/record/referral-letter", "/record/download", "/case-file"):
            assert user.client.get(path).status_code == 200, path
        record = user.client.get("/record/download").get_data()
        response = user.client.post(
            "/resume",
            data={
                "csrf_token": TOKEN.search(user.page("/resume")).group(1),
                "case_file": (io.BytesIO(record), "r.json"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    assert writes == []
    assert sorted(watched.rglob("*")) == before
    assert SMALL.is_dir()

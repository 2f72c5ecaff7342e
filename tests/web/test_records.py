"""Records: case file save and resume, decision record (print and file), the note, finish and clear."""

from __future__ import annotations

import io
import json

import yaml

from engine import load_knowledge
from engine.cases.case_file import parse_case

from .conftest import SMALL, User, asked_on, text_of
from .test_result import complete_case


def upload(user: User, content: bytes, name: str = "case.yaml"):
    return user.client.post(
        "/resume",
        data={"csrf_token": user.token(), "case_file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_case_file_download_is_what_pathway_assess_reads(user):
    complete_case(user, jurisdiction="lowland")
    response = user.client.get("/case-file")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="pathway-case-2026-03-01.yaml"'
    data = yaml.safe_load(response.get_data())
    assert data["jurisdiction"] == "lowland" and data["answers"]["conduct"] == "violence"
    parsed = parse_case(load_knowledge(SMALL), response.get_data(), "case.yaml")
    assert parsed.answers["age_at_conduct"] == 15 and parsed.jurisdiction == "lowland"


def test_resume_from_a_case_file_restores_the_answers(client):
    user = User(client)
    content = b"jurisdiction: lowland\nreference_date: 2026-03-01T12:00\nanswers:\n  age_at_conduct: 15\n  admits_facts: true\n"
    response = upload(user, content)
    assert response.status_code == 302
    page = user.page(response.headers["Location"])
    assert asked_on(page) == "conduct" and "The case file was loaded." in page
    check = user.page("/check")
    assert "Lowland (fictional)" in check and "15" in check


def test_a_broken_case_file_is_explained_and_the_current_answers_kept(user):
    complete_case(user)
    content = b"jurisdiction: baseline\nanswers:\n  age_at_conduct: 15\n  conduct: violense\n"
    response = upload(user, content)
    html = text_of(response)
    assert response.status_code == 400
    assert "The case file cannot be used" in html
    assert "Line 4" in html and "answers.conduct" in html and "not one of the allowed choices" in html
    assert "Did you mean violence?" in html
    assert "your current answers are kept" in html
    check = user.page("/check")
    assert "Violence" in check and "2026-02-27 08:00" in check


def test_a_file_that_is_not_yaml_or_has_unknown_fields(user):
    user.start()
    not_yaml = text_of(upload(user, b"answers: [unclosed\n"))
    assert "The case file cannot be used" in not_yaml and "Line" in not_yaml
    unknown_field = text_of(upload(user, b"answerz:\n  age_at_conduct: 15\n"))
    assert "answerz" in unknown_field
    binary = text_of(upload(user, b"\xff\xfe\x00garbage"))
    assert "not UTF-8" in binary


def test_resume_page_and_missing_file(user):
    assert "Resume a case from a case file" in user.page("/resume")
    response = user.client.post("/resume", data={"csrf_token": user.token()}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a case file to upload" in text_of(response)


def test_a_file_too_large_is_refused_kindly(user):
    response = upload(user, b"#" * (600 * 1024))
    assert response.status_code == 413
    assert "The file is too large" in text_of(response)


def test_upload_without_csrf_is_rejected(client):
    response = client.post(
        "/resume", data={"case_file": (io.BytesIO(b"answers: {}\n"), "c.yaml")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "This form has expired" in text_of(response)


def test_print_view_of_the_decision_record(user):
    complete_case(user)
    html = user.page("/record")
    assert "Decision record" in html and 'media="print"' in html
    kb = load_knowledge(SMALL)
    assert kb.version in html
    assert "0.1.0" in html  # app version
    assert "International reference values (baseline)" in html
    assert "Does the child admit the facts?" in html
    assert "None recorded." in html


def test_note_goes_into_the_record(user):
    complete_case(user)
    response = user.client.post(
        "/record/note", data={"csrf_token": user.token(), "note": "The child's family situation requires release."}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/result#record"
    assert "The child&#39;s family situation requires release." in user.page("/record")
    record = json.loads(user.client.get("/record/download").get_data())
    assert record["decided_differently_because"] == "The child's family situation requires release."


def test_a_note_too_long_is_refused_and_not_saved(user):
    complete_case(user)
    response = user.client.post("/record/note", data={"csrf_token": user.token(), "note": "x" * 1001})
    assert response.status_code == 400 and "Write at most 1000 characters" in text_of(response)
    assert "None recorded." in user.page("/record")


def test_note_without_csrf_is_rejected(user):
    complete_case(user)
    response = user.client.post("/record/note", data={"note": "forged"})
    assert response.status_code == 400
    assert "forged" not in user.page("/record")


def test_decision_record_file(user):
    complete_case(user, jurisdiction="lowland")
    response = user.client.get("/record/download")
    assert response.headers["Content-Disposition"] == 'attachment; filename="pathway-record-2026-03-01.json"'
    record = json.loads(response.get_data())
    assert record["versions"]["knowledge_base"] == load_knowledge(SMALL).version
    assert record["versions"]["app"] == "0.1.0"
    assert record["jurisdiction"]["id"] == "lowland" and record["reference_date"] == "2026-03-01T12:00"
    assert "not a decision" in record["disclaimer"]
    assert {"question": "conduct", "answer": "violence"}.items() <= record["answers"][2].items()
    kinds = {(m["kind"], m["id"]) for m in record["result"]["measures"]}
    assert ("require", "appearance_before_judge") in kinds
    assert record["decided_differently_because"] is None


def test_finish_and_clear_removes_the_case(user):
    complete_case(user)
    response = user.client.post("/finish", data={"csrf_token": user.token()})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "The case was cleared" in user.page("/")
    assert user.client.get("/check").headers["Location"] == "/"
    assert user.client.get("/case-file").headers["Location"] == "/"


def test_finish_without_csrf_keeps_the_case(user):
    complete_case(user)
    assert user.client.post("/finish").status_code == 400
    assert "Violence" in user.page("/check")


def test_records_without_a_case_go_to_start(client):
    for path in ("/record", "/record/download", "/case-file"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/", path

"""Records: case file save and resume, decision record (print and file), the decisions per measure
and the note, finish and clear. The PDF, the referral letter and the round trip of the record file:
tests/web/test_record_documents.py."""

from __future__ import annotations

import io
import json
import random

import pytest
import yaml

from engine import load_knowledge
from engine.cases.case_file import parse_case
from web.case_cookie import COOKIE

from .conftest import SMALL, User, asked_on, browser_client, text_of
from .test_result import complete_case

DETAILS = {
    "case_reference": "CJ-2026/0142",
    "court": "Juvenile Court of Lowland",
    "decision_maker": "Judge A. Example",
    "decision_date": "2026-03-02",
}
DEPARTED = "The child was released to the aunt, who will bring him to court."


def upload(user: User, content: bytes, name: str = "case.yaml", **fields: str):
    return user.client.post(
        "/resume",
        data={"csrf_token": user.token(), "case_file": (io.BytesIO(content), name), **fields},
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
    assert response.status_code == 400 and "Write at most 1,000 characters (given: 1,001)" in text_of(response)
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


# --- the decision taken on each advised measure ----------------------------------------------------


def record_decisions(user: User, **fields: str):
    """Post the decision record form of the result page with these fields."""
    return user.client.post("/record/note", data={"csrf_token": user.token("/result"), **fields})


def test_the_result_page_asks_for_the_decision_on_each_advised_measure(user):
    complete_case(user)
    html = user.page("/result")
    record = html.split('id="record"')[1]
    for field in ("case_reference", "court", "decision_maker", "decision_date", "note"):
        assert f'name="{field}"' in record
    for measure in ("require_appearance_before_judge", "require_legal_assistance", "recommend_diversion"):
        assert f'<select class="input input--width-10" id="decision_{measure}"' in record
        assert f'name="reason_{measure}"' in record and f'for="reason_{measure}"' in record
    assert 'name="refer_recommend_diversion"' in record
    assert '<option value="not_decided" selected>Not decided</option>' in record  # nothing is presumed
    assert "flag_time_limit_exceeded" not in record  # flags are not decided


def test_decisions_followed_and_departed_with_the_reason_go_into_the_record(user):
    complete_case(user)
    response = record_decisions(
        user,
        **DETAILS,
        decision_require_appearance_before_judge="departed",
        reason_require_appearance_before_judge=DEPARTED,
        decision_recommend_diversion="followed",
        refer_recommend_diversion="y",
        note="Reviewed in four weeks.",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/result#record"
    record = user.page("/record")
    for text in DETAILS.values():
        assert text in record
    departed = record.split('data-decision="require:appearance_before_judge"')[1].split("</li>")[0]
    assert "Departed:" in departed and "Bring before a judge" in departed
    assert DEPARTED in departed and 'class="departure-reason"' in departed
    followed = record.split('data-decision="recommend:diversion"')[1].split("</li>")[0]
    assert "Followed:" in followed and "referred to child protection" in followed
    assert "Not decided:" in record.split('data-decision="require:legal_assistance"')[1].split("</li>")[0]
    assert '<blockquote class="note">Reviewed in four weeks.</blockquote>' in record
    result = user.page("/result").split('id="record"')[1]  # the form shows what was recorded
    assert 'value="CJ-2026/0142"' in result and 'value="2026-03-02"' in result
    assert (
        f'value="{DEPARTED}"' in result
        and 'id="refer_recommend_diversion" name="refer_recommend_diversion" type="checkbox" value="y" checked'
        in result
    )
    assert (
        '<option value="departed" selected>' in result.split('id="decision_require_appearance_before_judge"')[1][:400]
    )


def test_a_departure_needs_its_reason_and_nothing_is_kept_without_it(user):
    complete_case(user)
    response = record_decisions(
        user,
        **DETAILS,
        decision_require_appearance_before_judge="departed",
        reason_require_appearance_before_judge="  ",
    )
    html = text_of(response)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert (
        '<a href="#reason_require_appearance_before_judge">Give the reason for departing from “Bring before a judge”</a>'
        in html
    )
    assert 'value="CJ-2026/0142"' in html  # what was typed is shown again
    assert "not recorded" in user.page("/record") and "CJ-2026/0142" not in user.page("/record")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("case_reference", "x" * 65, "Write at most 64 characters (given: 65)"),
        ("court", "Court\x07", "Remove the control character U+0007"),
        ("decision_date", "2101-01-01", "Enter a date of the decision between 1990-01-01 and 2100-12-31"),
        ("decision_date", "tomorrow", "Not a valid date value"),
        ("decision_recommend_diversion", "maybe", "Choose a decision"),
        ("reason_recommend_diversion", "y" * 501, "Write at most 500 characters"),
    ],
)
def test_a_bad_record_field_is_refused_with_a_message_that_says_what_to_do(user, field, value, message):
    complete_case(user)
    response = record_decisions(user, **{**DETAILS, field: value})
    assert response.status_code == 400
    assert message in text_of(response), field
    assert "CJ-2026/0142" not in user.page("/record")


def test_a_prohibited_measure_has_no_referral_and_a_forged_one_is_ignored(user):
    user.start()
    user.answer("age_at_conduct", "15")
    user.answer("admits_facts", "yes")
    user.answer("conduct", "expression")  # in the small knowledge: prosecution prohibited
    record = user.page("/result").split('id="record"')[1]
    assert 'id="decision_prohibit_prosecution"' in record and "refer_prohibit_prosecution" not in record
    record_decisions(user, decision_prohibit_prosecution="followed", refer_prohibit_prosecution="y")
    data = yaml.safe_load(user.client.get("/case-file").get_data())
    assert data["decisions"] == [{"measure": "prosecution", "kind": "prohibit", "decision": "followed"}]


def test_a_post_with_only_the_note_keeps_what_else_was_recorded(user):
    """A page of an earlier version (or another tab) posts only the note: the rest stays as recorded."""
    complete_case(user)
    record_decisions(user, **DETAILS, decision_recommend_diversion="followed")
    assert record_decisions(user, note="only the note").status_code == 302
    record = user.page("/record")
    assert "CJ-2026/0142" in record and "only the note" in record
    assert "Followed:" in record.split('data-decision="recommend:diversion"')[1].split("</li>")[0]


def test_a_record_too_large_for_the_cookie_is_refused_and_the_earlier_one_kept(user):
    complete_case(user)
    record_decisions(user, **DETAILS)
    # Within each field's limit, but 3 to 4 bytes a character drawn at random: nothing to compress.
    rng = random.Random(1)
    noise = lambda n: "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(n))  # noqa: E731
    response = record_decisions(
        user,
        case_reference="CJ-2",
        note=noise(1000),
        decision_require_appearance_before_judge="departed",
        reason_require_appearance_before_judge=noise(500),
        decision_require_legal_assistance="departed",
        reason_require_legal_assistance=noise(500),
    )
    html = text_of(response)
    assert response.status_code == 400
    assert "This change was not kept" in html and "Shorten the note or the reasons" in html
    assert "CJ-2026/0142" in user.page("/record")


def test_a_cookie_of_an_earlier_version_with_only_the_note_still_loads(app):
    client = browser_client(app)
    old = {"case": {"j": "baseline", "r": "2026-03-01T12:00", "a": [["age_at_conduct", 15]], "n": "old reasons"}}
    with app.test_request_context():
        client.set_cookie(COOKIE, app.session_interface.seal(app, old))
    record = User(client).page("/record")
    assert '<blockquote class="note">old reasons</blockquote>' in record and "not recorded" in record


@pytest.mark.parametrize(
    "kept",
    [
        {"c": 5, "o": ["court"], "t": "2026-13-45", "d": "followed"},
        {"d": [["r", "no_such_measure", "f"], ["z", "diversion", "f"], ["c", "diversion", "?"], [1, 2, 3], "x"]},
        {"d": [["c", "diversion", "f", "", "yes"], ["c", "diversion", "d", "twice"]]},
    ],
)
def test_a_record_in_the_cookie_of_the_wrong_shape_is_read_for_what_it_holds_never_an_error(app, kept):
    client = browser_client(app)
    case = {"j": "baseline", "r": "2026-03-01T12:00", "a": [["age_at_conduct", 15]], "x": kept}
    with app.test_request_context():
        client.set_cookie(COOKIE, app.session_interface.seal(app, {"case": case}))
    for path in ("/result", "/record", "/case-file", "/record/download"):
        assert client.get(path).status_code == 200, path
    data = yaml.safe_load(client.get("/case-file").get_data())
    assert data.get("decisions", [{"measure": "diversion", "kind": "recommend", "decision": "followed"}]) == [
        {"measure": "diversion", "kind": "recommend", "decision": "followed"}
    ]


def test_the_case_file_keeps_the_record_and_the_hearing_and_resumes_them(user):
    complete_case(user)
    record_decisions(
        user,
        **DETAILS,
        decision_require_appearance_before_judge="departed",
        reason_require_appearance_before_judge=DEPARTED,
    )
    saved = user.client.get("/case-file").get_data()
    data = yaml.safe_load(saved)
    assert data["case_reference"] == "CJ-2026/0142" and data["decision_date"] == "2026-03-02"
    assert data["decisions"] == [
        {"measure": "appearance_before_judge", "kind": "require", "decision": "departed", "reason": DEPARTED}
    ]
    again = User(browser_client(user.client.application))
    assert upload(again, saved, assess_on="saved").status_code == 302
    assert again.client.get("/case-file").get_data() == saved
    moved_on = User(browser_client(user.client.application))  # resumed now: only the reference date moves on
    assert upload(moved_on, saved).status_code == 302
    resumed = yaml.safe_load(moved_on.client.get("/case-file").get_data())
    assert resumed["reference_date"] != data["reference_date"]
    assert {k: v for k, v in resumed.items() if k != "reference_date"} == {
        k: v for k, v in data.items() if k != "reference_date"
    }

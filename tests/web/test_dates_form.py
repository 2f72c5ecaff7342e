"""The dates of a case on the start page (issue 14): the engine computes the ages from them and
the interview does not ask them; a date that cannot be is refused on its field, nothing typed is
lost (post/redirect/get); the check page's change link leads to the dates, which can change."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from flask import Flask

from web import create_app

from .conftest import User, browser_client, text_of
from .test_record_documents import pdf_text

START = {"jurisdiction": "baseline", "reference_date": "2026-11-02", "reference_time": "12:00"}
DATED = {
    **START,
    "date_of_birth": "2008-05-10",
    "act_1_date": "2026-07-01",
    "act_1_category": "travel",
    "act_2_date": "2026-03-01",
    "act_2_category": "nonviolent_support",
}


@pytest.fixture(scope="module")
def real_app() -> Flask:
    return create_app({"SECRET_KEY": "test-secret"})


@pytest.fixture
def user(real_app) -> User:
    return User(browser_client(real_app))


def start(user: User, fields: dict[str, str]):
    return user.client.post("/", data={"csrf_token": user.token(), **fields})


def saved_case(user: User) -> dict:
    response = user.client.get("/case-file")
    assert response.status_code == 200
    return yaml.safe_load(response.data)


def test_dates_on_the_start_page_give_the_ages_and_the_interview_does_not_ask_them(user):
    started = start(user, DATED)
    assert started.status_code == 302, text_of(user.client.get("/"))
    first = user.asked(started)
    assert first not in {"age_at_conduct", "age_lowest_plausible", "age_now", "conduct_category"}
    saved = saved_case(user)
    assert saved["date_of_birth"] == "2008-05-10"
    assert saved["acts"] == [
        {"date": "2026-07-01", "conduct_category": "travel"},
        {"date": "2026-03-01", "conduct_category": "nonviolent_support"},
    ]
    assert "age_at_conduct" not in saved["answers"] and "conduct_date" not in saved
    check = user.page("/check")
    assert "17" in check  # the age at the act assessed, computed
    assert 'href="/dates?from=check"' in check or 'href="/dates"' in check


def test_without_dates_the_interview_asks_the_ages_in_whole_years(user):
    assert user.asked(start(user, START)) == "age_at_conduct"


def test_a_conduct_date_alone_is_the_law_in_force_date_and_the_ages_are_asked(user):
    started = start(user, {**START, "conduct_date": "2026-04-20"})
    assert user.asked(started) == "age_at_conduct"
    assert saved_case(user)["conduct_date"] == "2026-04-20"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"act_2_date": "2007-01-01"}, "act_2_date", "before the latest plausible date of birth (2008-05-10)"),
        ({"act_1_date": "2026-12-01"}, "act_1_date", "after the reference date"),
        ({"date_of_birth": "2027-01-01"}, "date_of_birth", "after the reference date"),
        (
            {"age_method": "medical", "lowest_age": "15", "highest_age": "17", "assessed_on": "2026-01-10"},
            "lowest_age",
            "A date of birth and an age assessment are both given",
        ),
        (
            {
                "date_of_birth": "",
                "age_method": "holistic",
                "lowest_age": "16",
                "highest_age": "14",
                "assessed_on": "2026-01-10",
            },
            "lowest_age",
            "The lowest plausible age (lowest_age) is above the highest",
        ),
        (
            {"date_of_birth": "", "lowest_age": "14", "highest_age": "16", "assessed_on": "2026-01-10"},
            "age_method",
            "Choose how the age was assessed",
        ),
        ({"act_2_category": ""}, "act_2_category", "Choose the conduct category of this act"),
        ({"act_2_date": ""}, "act_2_date", "Enter the date of this act"),
        ({"conduct_date": "2026-01-01"}, "conduct_date", "The acts are dated: leave the date of the conduct empty"),
        ({"act_1_date": "2026-02-30"}, "act_1_date", "Not a valid date value"),
        ({"act_1_date": "1850-01-01"}, "act_1_date", "Enter a date between 1900-01-01 and 2100-12-31"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "Enter a date between 1900-01-01 and 2100-12-31"),
    ],
)
def test_a_date_that_cannot_be_is_refused_on_its_field_and_everything_typed_is_kept(user, change, field, words):
    fields = {**DATED, **change}
    posted = start(user, fields)
    assert posted.status_code == 303, "post/redirect/get: Back never lands on a POST result"
    shown = user.rejected_shown(posted, "/")
    html = text_of(shown)
    assert shown.status_code == 400
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert re.search(rf'id="{field}-error"[^>]*>.*?{re.escape(words)}', html, re.S), html[:3000]
    assert '<details class="details" open>' in html
    for name, value in fields.items():  # nothing typed is lost
        if name in ("jurisdiction",) or not value:
            continue
        if name.endswith("_category") or name == "age_method":
            assert f'<option value="{value}" selected>' in html, name
        else:
            assert f'name="{name}"' in html and f'value="{value}"' in html, name
    assert user.client.get("/case-file").status_code != 200 or "date_of_birth" not in text_of(
        user.client.get("/case-file")
    ), "no case was started"


def test_the_check_page_change_link_changes_the_dates_and_the_ages_follow(user):
    start(user, DATED)
    check = user.page("/check")
    link = re.search(r'href="(/dates[^"]*)"', check)
    assert link, "a change link for the dates"
    page = user.page(link.group(1))
    assert 'value="2008-05-10"' in page and '<option value="travel" selected>' in page
    changed = user.client.post(
        "/dates",
        data={
            "csrf_token": user.token("/dates"),
            **{k: v for k, v in DATED.items() if k not in START},
            "date_of_birth": "2011-05-10",
        },
    )
    assert changed.status_code == 302 and changed.headers["Location"] == "/check"
    saved = saved_case(user)
    assert saved["date_of_birth"] == "2011-05-10"
    # both acts before 18 now: the later one (travel, at 15) is assessed
    result = user.page("/result")
    assert "2026-07-01" in result and "the act this assessment is of" in result
    cleared = user.client.post("/dates", data={"csrf_token": user.token("/dates")})
    assert cleared.status_code == 302
    assert user.asked(user.client.get("/next")) == "age_at_conduct"  # no dates: the ages are asked again
    assert "date_of_birth" not in saved_case(user)


def test_a_refused_change_of_dates_keeps_what_was_typed_and_the_case_its_dates(user):
    start(user, DATED)
    posted = user.client.post(
        "/dates",
        data={
            "csrf_token": user.token("/dates"),
            "date_of_birth": "2030-01-01",
            "act_1_date": "2026-07-01",
            "act_1_category": "travel",
        },
    )
    assert posted.status_code == 303
    html = text_of(user.rejected_shown(posted, "/dates"))
    assert 'href="#date_of_birth"' in html and 'value="2030-01-01"' in html
    assert saved_case(user)["date_of_birth"] == "2008-05-10"


BELOW_AND_ADULT = {  # acts at 13 (below the minimum age of 14), 15 and 18
    **START,
    "date_of_birth": "2008-05-10",
    "act_1_date": "2021-07-01",
    "act_1_category": "expression",
    "act_2_date": "2023-07-01",
    "act_2_category": "travel",
    "act_3_date": "2026-07-01",
    "act_3_category": "association",
}


def test_the_decision_record_lists_each_act_its_age_and_the_acts_apart_in_html_pdf_and_json(user):
    assert start(user, BELOW_AND_ADULT).status_code == 302
    html = user.page("/record")
    section = html[html.index('<section class="ages"') : html.index("</section>", html.index('<section class="ages"'))]
    rows = re.findall(r'data-act-standing="(\w+)">\s*<td>([\d-]+)</td>.*?<td>(\d+)</td>', section, re.S)
    assert rows == [("assessed", "2023-07-01", "15"), ("below_macr", "2021-07-01", "13"), ("adult", "2026-07-01", "18")]
    assert "Listed apart: below the minimum age of criminal responsibility" in section
    assert "no criminal proceedings for this act (CRC art 40(3)(a); GC24 paras 20-22)" in section
    assert "advice, not a legal bar" in section  # the baseline's 14 is the Committee's recommendation
    assert "Listed apart: committed at 18 or over" in section
    pdf = user.client.get("/record/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data).split())
    assert "Ages at the acts" in text and "Listed apart: below the minimum age of criminal responsibility" in text
    record = yaml.safe_load(user.client.get("/record/download").data)
    acts = record["result"]["ages"]["acts"]
    assert [(a["date"], a["standing"], a["macr"]) for a in acts] == [
        ("2021-07-01", "below_macr", 14),
        ("2023-07-01", "assessed", None),
        ("2026-07-01", "adult", None),
    ]
    assert record["case"]["date_of_birth"] == "2008-05-10"  # the record's case file keeps the dates


def test_an_assessed_age_range_gives_the_lowest_plausible_age_and_the_result_shows_the_range(user):
    started = start(
        user,
        {
            **START,
            "reference_date": "2026-03-10",
            "age_method": "holistic",
            "lowest_age": "13",
            "highest_age": "15",
            "assessed_on": "2026-02-20",
            "act_1_date": "2026-01-15",
            "act_1_category": "association",
        },
    )
    assert started.status_code == 302
    assert user.asked(started) not in {"age_at_conduct", "age_lowest_plausible", "age_now"}
    result = user.page("/result")
    assert "12 to 15 (the lowest counts)" in result
    assert "Ages computed from the plausible dates of birth, 2010-02-21 to 2013-02-20:" in result
    assert saved_case(user)["age_assessment"] == {
        "method": "holistic",
        "lowest_age": 13,
        "highest_age": 15,
        "assessed_on": "2026-02-20",
    }


def test_a_case_with_more_dated_acts_than_the_page_shows_is_changed_in_its_file(user):
    acts = [{"date": f"2026-0{m}-01", "conduct_category": "association"} for m in range(1, 5)]
    case = {"jurisdiction": "baseline", "reference_date": "2026-11-02", "date_of_birth": "2008-05-10", "acts": acts}
    token = user.token("/resume")
    upload = user.client.post(
        "/resume",
        data={
            "csrf_token": token,
            "case_file": (io.BytesIO(yaml.safe_dump(case).encode()), "case.yaml"),
            "assess_on": "saved",
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, text_of(upload)
    moved = user.client.get("/dates")
    assert moved.status_code == 302 and moved.headers["Location"] == "/check"
    assert "This case has 4 dated acts; this page shows 3" in user.page("/check")
    assert len(saved_case(user)["acts"]) == 4  # nothing lost


def test_a_category_the_page_does_not_offer_is_refused_on_its_field(user):
    shown = user.rejected_shown(start(user, {**DATED, "act_1_category": "support"}), "/")
    assert shown.status_code == 400
    html = text_of(shown)
    assert 'href="#act_1_category"' in html and "Not a valid choice" in html
    assert 'value="2026-07-01"' in html  # its date kept

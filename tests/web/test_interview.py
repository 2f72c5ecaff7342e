"""Interview: start page, one question per page, errors, back and change, check your answers."""

from __future__ import annotations

import datetime as dt

from .conftest import text_of


def test_start_page_explains_the_tool_and_offers_profiles(client):
    html = text_of(client.get("/"))
    assert "What this tool is, and is not" in html
    assert "It is not a decision" in html
    assert 'value="baseline"\n                     checked' in html or 'value="baseline" checked' in html.replace(
        "\n", " "
    ).replace("                     ", "")
    assert "Lowland (fictional)" in html
    assert f'value="{dt.date.today().isoformat()}"' in html


def test_starting_a_case_goes_to_the_first_question(user):
    response = user.start()
    assert response.status_code == 302
    assert response.headers["Location"] == "/step/1"
    assert user.asked(response) == "age_at_conduct"


def test_start_rejects_a_bad_date_and_an_unknown_profile(user):
    token = user.token()
    posted = user.client.post(
        "/", data={"csrf_token": token, "jurisdiction": "atlantis", "reference_date": "2026-13-40"}
    )
    assert posted.status_code == 303, "post/redirect/get: Back never lands on a POST result"
    response = user.rejected_shown(posted, "/")
    html = text_of(response)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Not a valid choice" in html
    assert 'href="#reference_date"' in html
    assert "There is a problem" not in text_of(user.client.get("/")), "the errors are shown once"


def test_start_without_csrf_token_is_rejected(client):
    response = client.post("/", data={"jurisdiction": "baseline", "reference_date": "2026-03-01"})
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    assert "Set-Cookie" not in response.headers or "pathway_case=" not in response.headers.get("Set-Cookie", "")


def test_question_page_has_heading_help_progress_and_why(user):
    user.start()
    html = user.question_page("age_at_conduct")
    assert '<h1 class="fieldset__heading">Age at the conduct?</h1>' in html
    assert "Age — question 1 of about 4" in html
    assert "Why am I asked this?" in html
    assert "R-MACR-01" in html and "Below MACR or unknown age" in html
    assert 'inputmode="numeric"' in html
    assert "I don’t know" in html


def test_controls_follow_the_question_type(user):
    user.start()
    user.answer("age_at_conduct", "15")
    yes_no = user.question_page("admits_facts")
    assert 'type="radio" value="yes"' in yes_no and 'type="radio" value="no"' in yes_no
    assert "I don’t know" not in yes_no  # the knowledge does not allow it here
    user.answer("admits_facts", "no")
    choice = user.question_page("conduct")
    assert 'value="expression"' in choice and "Expression" in choice and 'value="violence"' in choice
    user.answer("conduct", "violence")
    when = user.question_page("arrest_datetime")
    assert 'type="datetime-local"' in when


def test_answers_move_through_only_the_relevant_questions(user):
    user.start()
    assert user.asked(user.answer("age_at_conduct", "15")) == "admits_facts"
    assert user.asked(user.answer("admits_facts", "yes")) == "conduct"
    assert user.asked(user.answer("conduct", "violence")) == "arrest_datetime"
    assert user.answer("arrest_datetime", "2026-02-28T20:00").headers["Location"] == "/check"


def test_below_the_minimum_age_the_diversion_questions_are_not_asked(user):
    user.start()
    user.answer("age_at_conduct", "12")
    user.answer("admits_facts", "yes")
    # conduct would only matter for charging, which is excluded below the MACR
    response = user.client.get("/next")
    assert response.status_code == 302
    assert user.asked(response) == "arrest_datetime"
    assert response.headers["Location"] == "/step/3"


def test_bad_answers_are_explained_with_the_engines_words(user):
    user.start()
    out_of_range = user.answer("age_at_conduct", "30")
    html = text_of(out_of_range)
    assert out_of_range.status_code == 400
    assert "There is a problem" in html and 'href="#answer"' in html
    assert "Out of range" in html and "Enter a whole number from 0 to 25" in html and "for example 12" in html
    assert 'value="30"' in html  # what was typed is shown again
    not_a_number = text_of(user.answer("age_at_conduct", "fifteen"))
    assert "Expected a whole number" in not_a_number
    missing = text_of(user.answer("age_at_conduct"))
    assert "Enter a whole number" in missing
    both = text_of(user.answer("age_at_conduct", "15", unknown=True))
    assert "not both" in both


def test_choice_errors_and_missing_choices(user):
    user.start()
    user.answer("age_at_conduct", "15")
    user.answer("admits_facts", "yes")
    assert "Select an answer" in text_of(user.answer("conduct"))
    wrong = user.answer("conduct", "violense")
    assert wrong.status_code == 400
    assert "Not one of the allowed choices" in text_of(wrong)
    assert "Did you mean violence?" in text_of(wrong)


def test_unknown_is_refused_where_the_knowledge_does_not_allow_it(user):
    user.start()
    user.answer("age_at_conduct", "15")
    response = user.answer("admits_facts", "unknown")
    assert response.status_code == 400
    assert "is not accepted for this question" in text_of(response)


def test_date_in_the_future_and_date_without_time(user):
    user.start()
    user.answer("age_at_conduct", "15")
    user.answer("admits_facts", "yes")
    user.answer("conduct", "violence")
    future = user.answer("arrest_datetime", "2026-03-05T10:00")
    assert "This is in the future for a past event" in text_of(future)
    no_time = user.answer("arrest_datetime", "2026-02-27")
    assert no_time.status_code == 400 and "Not a valid date and time" in text_of(no_time)


def test_a_bad_answer_keeps_the_earlier_answers(user):
    user.start()
    user.answer("age_at_conduct", "15")
    user.answer("admits_facts", "yes")
    user.answer("conduct", "chaos")
    check = user.page("/check")
    assert "15" in check and "yes" in check


def test_answer_without_csrf_token_is_rejected_and_not_stored(user):
    user.start()
    response = user.client.post(user.step_of("age_at_conduct"), data={"answer": "15", "question": "age_at_conduct"})
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    assert "Age at the conduct?" not in user.page("/check")


def test_a_step_the_case_does_not_have_goes_where_it_stands_and_no_case_goes_to_start(client, user):
    response = client.get("/step/1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Start a case first" in text_of(client.get("/"))
    user.start()
    assert user.client.get("/step/9").headers["Location"] == "/step/1"
    assert user.client.get("/step/0").headers["Location"] == "/step/1"
    assert user.client.get("/questions/age_at_conduct").status_code == 404  # no address names a question


def test_back_links_follow_the_path_and_keep_answers(user):
    user.start()
    user.answer("age_at_conduct", "15")
    user.answer("admits_facts", "yes")
    conduct = user.question_page("conduct")
    assert 'class="back-link">Back' in conduct and 'href="/step/2" class="back-link"' in conduct
    admits = user.question_page("admits_facts")
    assert 'href="/step/1" class="back-link"' in admits
    assert 'value="yes"\n             checked' in admits or 'value="yes" checked' in " ".join(admits.split())
    first = user.question_page("age_at_conduct")
    assert 'href="/" class="back-link"' in first and 'value="15"' in first
    # going back and continuing returns to where the user was
    assert user.asked(user.answer("age_at_conduct", "15")) == "conduct"


def test_changing_an_answer_keeps_later_answers_and_says_what_no_longer_applies(user):
    user.start()
    for qid, value in (("age_at_conduct", "15"), ("admits_facts", "yes"), ("conduct", "violence")):
        user.answer(qid, value)
    user.answer("arrest_datetime", "2026-02-28T20:00")
    change = user.answer("age_at_conduct", "12", query="?from=check")
    assert change.headers["Location"] == "/check"
    check = user.page("/check")
    assert "Some of your answers no longer apply" in check
    assert "Answers that no longer apply" in check
    muted = check.split("Answers that no longer apply")[1]
    assert "What conduct?" in muted and "Violence" in muted
    assert "Does the child admit the facts?" in check.split("Answers that no longer apply")[0]
    # changing back brings the kept answer back into play
    user.answer("age_at_conduct", "15", query="?from=check")
    again = user.page("/check")
    assert "Some earlier answers apply again" in again
    assert "Answers that no longer apply" not in again
    assert "Violence" in again


def test_change_link_comes_back_to_check_page(user):
    user.start()
    for qid, value in (("age_at_conduct", "15"), ("admits_facts", "no"), ("conduct", "expression")):
        user.answer(qid, value)
    user.answer("arrest_datetime", "2026-02-28T20:00")
    check = user.page("/check")
    assert 'href="/step/3?from=check"' in check and user.step_of("conduct") == "/step/3"
    page = user.question_page("conduct", "?from=check")
    assert 'href="/check" class="back-link"' in page
    assert user.answer("conduct", "violence", query="?from=check").headers["Location"] == "/check"
    assert "Your other answers still apply" in user.page("/check")


def test_check_page_groups_by_decision_point(user):
    user.start()
    user.answer("age_at_conduct", "unknown", unknown=False)
    html = user.page("/check")
    assert '<h2 class="heading-m">Age</h2>' in html
    assert "I don&#39;t know" in html or "I don't know" in html
    assert "still unanswered" in html and "Continue the questions" in html


def test_check_page_when_complete_offers_the_result(user):
    user.start("baseline")
    user.answer("age_at_conduct", unknown=True)
    user.answer("admits_facts", "yes")
    user.answer("arrest_datetime", "2026-02-28T20:00")
    html = user.page("/check")
    assert "See the result" in html
    for title in ("Age", "Diversion", "Arrest"):
        assert f'<h2 class="heading-m">{title}</h2>' in html


def test_next_goes_where_the_case_stands(client, user):
    assert client.get("/next").headers["Location"] == "/"
    user.start()
    user.answer("age_at_conduct", "15")
    assert user.asked(user.client.get("/next")) == "admits_facts"


def test_a_reference_date_without_a_time_means_noon_and_a_time_is_kept(user):
    user.start(date="2026-03-01")
    assert "reference date 2026-03-01 12:00" in user.page("/check")
    token = user.token()
    user.client.post(
        "/",
        data={
            "csrf_token": token,
            "jurisdiction": "baseline",
            "reference_date": "2026-03-01",
            "reference_time": "09:15",
        },
    )
    assert "reference date 2026-03-01 09:15" in user.page("/check")


def test_the_start_page_is_filled_in_with_now_and_says_what_a_bare_date_means(client):
    html = text_of(client.get("/"))
    now = dt.datetime.now()
    assert f'value="{now.date().isoformat()}"' in html and 'name="reference_time" type="time"' in html
    assert "A date without a time means noon (12:00) that day" in html


def test_reading_a_page_does_not_seal_the_cookie_again(user):
    """The cookie is sealed again when the case changes, or on a page view a minute after the last (web.case_cookie)."""
    user.start()
    answered = user.answer("age_at_conduct", "15")
    assert "Set-Cookie" in answered.headers
    page = user.client.get(answered.headers["Location"])
    assert page.status_code == 200 and "Set-Cookie" not in page.headers


def _case_with_an_answer_that_no_longer_applies(user):
    user.start()
    for qid, value in (("age_at_conduct", "15"), ("admits_facts", "yes"), ("conduct", "violence")):
        user.answer(qid, value)
    user.answer("age_at_conduct", "12", query="?from=check")  # "conduct" no longer applies


def test_a_question_whose_answer_no_longer_applies_keeps_its_step_and_says_so(user):
    _case_with_an_answer_that_no_longer_applies(user)
    assert user.step_of("conduct") == "/step/3"
    assert "This question no longer applies" in user.question_page("conduct")
    assert "This question no longer applies" not in user.question_page("admits_facts")

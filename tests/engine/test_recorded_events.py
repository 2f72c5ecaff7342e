"""Recorded events (issue 14): what has happened in a case since - diversion offered, accepted,
refused or completed, the trial, the judgement, the sentence (knowledge/events.yaml). They are
read from the case file, checked (a known kind, a date that can be read, nothing after the
reference moment), saved back, shown in the event log with the answered dates in the order they
happened, and never change a conclusion."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import load_knowledge
from engine.cases.case_file import case_data, parse_case
from engine.errors import CaseFileError
from engine.load.answers import parse_answers
from engine.render.report import to_data, to_text
from engine.run.deadlines import RecordedEvent, event_log
from engine.run.session import assess_typed
from tests.case_generation import answer_sets

KB = load_knowledge()
NOW = dt.datetime(2026, 6, 1, 12, 0)

CASE = """jurisdiction: baseline
reference_date: 2026-06-01T12:00
answers:
  age_at_conduct: 15
  arrest_datetime: 2026-03-01T18:00
  charge_date: 2026-03-10
events:
  - {kind: trial_start, date: 2026-05-01T09:30}
  - {kind: diversion_offered, date: 2026-03-04}
  - {kind: diversion_refused, date: 2026-03-20}
"""


def _problems(text: str) -> list:
    with pytest.raises(CaseFileError) as err:
        parse_case(KB, text, "case.yaml")
    return err.value.problems


def test_every_kind_of_event_has_a_title_translated_in_each_language():
    assert {"diversion_offered", "diversion_accepted", "diversion_completed", "trial_start", "judgement"} <= set(
        KB.events
    )
    assert KB.events["trial_start"].timed and not KB.events["diversion_offered"].timed
    for lang in ("fr", "ar", "pt", "id"):
        for kind in KB.events:
            text = KB.text("events", kind, "title", lang)
            assert text.status == "unreviewed" and text.lang == lang, (lang, kind, text)
    assert KB.text("events", "diversion_offered", "title", "fr").text == "Déjudiciarisation proposée"


def test_recorded_events_are_read_saved_back_and_logged_with_the_answers_in_the_order_they_happened():
    parsed = parse_case(KB, CASE, "case.yaml")
    assert parsed.events == (
        RecordedEvent("trial_start", dt.datetime(2026, 5, 1, 9, 30)),
        RecordedEvent("diversion_offered", dt.date(2026, 3, 4)),
        RecordedEvent("diversion_refused", dt.date(2026, 3, 20)),
    )
    saved = case_data(parsed.answers, parsed.jurisdiction, parsed.reference, KB.version, events=parsed.events)
    assert saved["events"][0] == {"kind": "trial_start", "date": "2026-05-01T09:30"}
    assert parse_case(KB, json.dumps(saved), "saved.json").events == parsed.events
    result = assess_typed(KB, parsed.answers, parsed.jurisdiction, parsed.reference, events=parsed.events)
    assert [(e["at"], e["question"] or e["kind"]) for e in to_data(result)["events"]] == [
        ("2026-03-01T18:00", "arrest_datetime"),
        ("2026-03-04", "diversion_offered"),
        ("2026-03-10", "charge_date"),
        ("2026-03-20", "diversion_refused"),
        ("2026-05-01T09:30", "trial_start"),
    ]
    text = to_text(result, KB, "fr")
    assert text.index("2026-03-04 Déjudiciarisation proposée") < text.index("2026-05-01 09:30 Ouverture du procès")


def test_a_case_file_without_events_loads_and_saves_none():
    parsed = parse_case(KB, "answers:\n  age_at_conduct: 15\n", "c")
    assert parsed.events == ()
    assert "events" not in case_data(parsed.answers, parsed.jurisdiction, parsed.reference, KB.version)


@pytest.mark.parametrize(
    ("change", "line", "field", "words", "suggestion"),
    [
        (
            ("kind: diversion_offered", "kind: diversion_ofered"),
            9,
            "events.1.kind",
            "unknown kind of event",
            "diversion_offered",
        ),
        (("date: 2026-03-04", "date: '2026-02-30'"), 9, "events.1.date", "expected a date YYYY-MM-DD", None),
        (("date: 2026-03-04", "date: 2101-01-01"), 9, "events.1.date", "between 1990-01-01", None),
        (
            ("date: 2026-05-01T09:30", "date: 2026-07-01T09:30"),
            8,
            "events.0.date",
            "an event after the reference date",
            None,
        ),
        (
            ("date: 2026-05-01T09:30", "date: 2026-06-01T12:01"),
            8,
            "events.0.date",
            "an event after the reference date",
            None,
        ),
        (
            ("{kind: diversion_offered, date: 2026-03-04}", "{kind: diversion_offered}"),
            9,
            "events.1.date",
            "missing",
            None,
        ),
    ],
)
def test_a_bad_event_is_refused_with_its_line_field_and_a_suggestion(change, line, field, words, suggestion):
    text = CASE.replace(*change)
    assert text != CASE
    [problem] = _problems(text)
    assert (problem.line, problem.field) == (line, field), problem
    assert words in problem.message, problem
    assert problem.suggestion == suggestion


def test_an_event_on_the_reference_day_without_a_time_is_accepted():
    text = CASE.replace("date: 2026-03-04", "date: 2026-06-01")
    assert RecordedEvent("diversion_offered", dt.date(2026, 6, 1)) in parse_case(KB, text, "c").events


def test_pathway_assess_shows_the_recorded_events_in_its_text_and_json(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    run = [sys.executable, "-m", "cli.main", "assess", str(case)]
    text = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    log = text[text.index("EVENTS OF THE CASE") :]
    assert (
        log.index("2026-03-04 Diversion offered")
        < log.index("2026-03-10")
        < log.index("2026-05-01 09:30 Trial started")
    )
    data = json.loads(subprocess.run([*run, "--json"], capture_output=True, text=True, check=True).stdout)
    assert {"question": None, "kind": "diversion_refused", "text": "Diversion refused", "at": "2026-03-20"} in data[
        "events"
    ]


recorded = st.lists(
    st.builds(
        RecordedEvent,
        st.sampled_from(sorted(KB.events)),
        st.one_of(
            st.dates(dt.date(2025, 1, 1), NOW.date()),
            st.datetimes(dt.datetime(2025, 1, 1), NOW).map(lambda m: m.replace(second=0, microsecond=0)),
        ),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(answers=answer_sets(KB), events=recorded, engine=st.sampled_from(["auto", "experta"]))
def test_recorded_events_never_change_a_conclusion(answers, events, engine):
    typed, errors = parse_answers(KB.questions, answers, NOW)
    assert not errors
    without = assess_typed(KB, typed, "baseline", NOW, engine)
    with_events = assess_typed(KB, typed, "baseline", NOW, engine, events=events)
    assert with_events.measures == without.measures and with_events.trace == without.trace
    assert [q.question.id for q in with_events.open_questions] == [q.question.id for q in without.open_questions]
    assert len(with_events.events) == len(without.events) + len(events)


@settings(max_examples=100, deadline=None)
@given(events=recorded, rnd=st.randoms())
def test_the_event_log_is_in_the_order_events_happened_whatever_the_order_recorded(events, rnd):
    answers = {"arrest_datetime": dt.datetime(2026, 3, 1, 18, 0), "charge_date": dt.date(2026, 3, 10)}
    shuffled = list(events)
    rnd.shuffle(shuffled)
    log = event_log(KB.questions, answers, events)
    assert log == event_log(KB.questions, answers, shuffled)
    assert [e.moment for e in log] == sorted(e.moment for e in log) and len(log) == len(events) + 2

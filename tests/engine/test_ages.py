"""Ages computed from dates (engine.run.ages): the benefit of the doubt over an assessed range,
the acts either side of 18, and the order the acts are given in."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.cases.case_file import case_data, parse_case
from engine.errors import CaseFileError
from engine.load.conditions import UNKNOWN
from engine.load.life_dates import CONDUCT_CATEGORIES, Act, AgeAssessment
from engine.run.ages import MAJORITY, act_standings, dated_ages, years_between
from engine.run.session import acts_below_minimum_age, assess_typed

DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))
acts = st.builds(Act, date=DAYS, conduct_category=st.sampled_from(CONDUCT_CATEGORIES))


@st.composite
def born_ranges(draw) -> tuple[dt.date, dt.date]:
    earliest = draw(st.dates(dt.date(1980, 1, 1), dt.date(2020, 12, 31)))
    return earliest, earliest + dt.timedelta(days=draw(st.integers(0, 3 * 366)))


def test_whole_years_turn_on_the_birthday_and_a_29_february_birthday_on_1_march():
    assert years_between(dt.date(2008, 5, 10), dt.date(2026, 5, 9)) == 17
    assert years_between(dt.date(2008, 5, 10), dt.date(2026, 5, 10)) == 18
    assert years_between(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert years_between(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


def test_the_kb_conduct_categories_are_the_acts_categories(kb):
    assert tuple(kb.questions["conduct_category"].choice_ids) == CONDUCT_CATEGORIES


@settings(max_examples=300, deadline=None)
@given(born=born_ranges(), act=acts, plausible=st.floats(0, 1))
def test_the_age_used_never_exceeds_the_age_from_any_plausible_date_of_birth(born, act, plausible):
    earliest, latest = born
    assessment = AgeAssessment(born_earliest=earliest, born_latest=latest, method="holistic")
    ages = dated_ages(None, assessment, [act], act.date + dt.timedelta(days=1))
    candidate = earliest + dt.timedelta(days=round(plausible * (latest - earliest).days))
    true_age = years_between(candidate, act.date)
    used = ages.answers["age_at_conduct"]
    if used is UNKNOWN:
        assert ages.answers["age_lowest_plausible"] <= true_age
        assert ages.answers["age_lowest_plausible"] < MAJORITY
    else:
        assert used <= true_age
    assert ages.answers["age_now"] <= years_between(candidate, act.date + dt.timedelta(days=1))


@settings(max_examples=300, deadline=None)
@given(lowest=st.integers(0, 30), width=st.integers(0, 5), on=DAYS)
def test_an_age_range_on_an_assessment_day_covers_exactly_those_ages_on_that_day(lowest, width, on):
    assessment = AgeAssessment(lowest_age=lowest, highest_age=lowest + width, assessed_on=on, method="medical")
    earliest, latest = assessment.born_range()
    assert years_between(latest, on) == lowest
    assert years_between(earliest, on) == lowest + width
    assert years_between(latest + dt.timedelta(days=1), on) == lowest - 1
    assert years_between(earliest - dt.timedelta(days=1), on) == lowest + width + 1


@settings(max_examples=300, deadline=None)
@given(born=born_ranges(), given_acts=st.lists(acts, min_size=1, max_size=6), data=st.data())
def test_the_order_the_acts_are_given_in_does_not_matter(born, given_acts, data):
    assessment = AgeAssessment(born_earliest=born[0], born_latest=born[1], method="documents")
    shuffled = data.draw(st.permutations(given_acts))
    today = dt.date(2031, 1, 1)
    assert dated_ages(None, assessment, shuffled, today) == dated_ages(None, assessment, given_acts, today)


@settings(max_examples=300, deadline=None)
@given(born=st.dates(dt.date(1990, 1, 1), dt.date(2015, 12, 31)), given_acts=st.lists(acts, min_size=1, max_size=6))
def test_an_act_before_18_is_the_one_assessed_and_acts_at_18_or_over_are_apart(born, given_acts):
    ages = dated_ages(born, None, given_acts, dt.date(2031, 1, 1))
    as_child = [a for a in ages.acts if a.lowest < MAJORITY]
    if as_child:
        assert ages.assessed == as_child[-1]
        assert ages.answers["age_at_conduct"] < MAJORITY
        assert set(ages.separated) == {a for a in ages.acts if a.lowest >= MAJORITY}
    else:
        assert ages.answers["age_at_conduct"] >= MAJORITY
        assert ages.separated == ()
    assert ages.conduct_date == ages.assessed.act.date
    assert ages.answers["conduct_category"] == ages.assessed.act.conduct_category


DATED = """
jurisdiction: baseline
reference_date: 2026-11-02
date_of_birth: 2008-05-10
acts:
  - {date: 2026-07-01, conduct_category: travel}
  - {date: 2026-03-01, conduct_category: nonviolent_support}
answers:
  evidence_sufficient: true
"""


def test_a_dated_case_file_gives_the_ages_at_the_act_committed_as_a_child_and_saves_its_dates_not_the_ages(kb):
    parsed = parse_case(kb, DATED, "case.yaml")
    assert parsed.answers["age_at_conduct"] == 17
    assert parsed.answers["age_now"] == 18
    assert parsed.answers["conduct_category"] == "nonviolent_support"
    assert parsed.conduct_date == dt.date(2026, 3, 1)
    assert [a.act.date for a in parsed.life.ages.separated] == [dt.date(2026, 7, 1)]
    saved = case_data(
        parsed.answers,
        parsed.jurisdiction,
        parsed.reference,
        kb.version,
        conduct_date=parsed.conduct_date,
        life=parsed.life,
    )
    assert saved["answers"] == {"evidence_sufficient": True}
    assert "conduct_date" not in saved
    assert saved["date_of_birth"] == "2008-05-10" and len(saved["acts"]) == 2


def test_a_case_file_of_whole_year_ages_loads_as_before(kb):
    parsed = parse_case(kb, "reference_date: 2026-03-01\nanswers: {age_at_conduct: 15, age_now: 16}\n", "old.yaml")
    assert parsed.life is None
    assert parsed.answers == {"age_at_conduct": 15, "age_now": 16}


@pytest.mark.parametrize(
    ("extra", "field", "line"),
    [
        ("  age_at_conduct: 16\n", "answers.age_at_conduct", 9),
        ("conduct_date: 2026-03-01\n", "conduct_date", 9),
        (
            "age_assessment: {lowest_age: 16, highest_age: 18, assessed_on: 2026-03-01, method: medical}\n",
            "age_assessment",
            9,
        ),
    ],
)
def test_an_answer_the_dates_already_give_is_refused_with_its_line_and_field(kb, extra, field, line):
    with pytest.raises(CaseFileError) as caught:
        parse_case(kb, DATED.strip("\n") + "\n" + extra, "case.yaml")
    assert [(p.field, p.line) for p in caught.value.problems] == [(field, line)]


def test_a_range_given_backwards_is_refused_with_its_field(kb):
    text = DATED.replace(
        "date_of_birth: 2008-05-10",
        "age_assessment: {born_earliest: 2010-01-01, born_latest: 2009-01-01, method: documents}",
    )
    with pytest.raises(CaseFileError) as caught:
        parse_case(kb, text, "case.yaml")
    assert [p.field for p in caught.value.problems] == ["age_assessment"]
    assert (
        "the earliest plausible date of birth (born_earliest) is after the latest (born_latest)"
        in caught.value.problems[0].message
    )


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("date_of_birth: 2008-05-10", "date_of_birth: 2026-03-02"), "acts.1.date", "before the latest plausible"),
        (("date: 2026-07-01", "date: 2026-12-01"), "acts.0.date", "after the reference date"),
        (("date_of_birth: 2008-05-10", "date_of_birth: 2027-01-01"), "date_of_birth", "after the reference date"),
    ],
)
def test_dates_that_cannot_be_are_refused_with_their_line_and_field(kb, change, field, words):
    with pytest.raises(CaseFileError) as caught:
        parse_case(kb, DATED.replace(*change), "case.yaml")
    problems = [p for p in caught.value.problems if p.field == field]
    assert problems and words in problems[0].message and problems[0].line is not None


people = st.one_of(
    st.builds(lambda d: {"date_of_birth": d.isoformat()}, st.dates(dt.date(1995, 1, 1), dt.date(2015, 12, 31))),
    st.builds(
        lambda d, days: {
            "age_assessment": {
                "born_earliest": d.isoformat(),
                "born_latest": (d + dt.timedelta(days=days)).isoformat(),
                "method": "psychosocial_interview",
            }
        },
        st.dates(dt.date(1995, 1, 1), dt.date(2014, 12, 31)),
        st.integers(0, 700),
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    person=people,
    given_acts=st.lists(
        st.builds(
            lambda d, c: {"date": d.isoformat(), "conduct_category": c},
            st.dates(dt.date(2017, 1, 1), dt.date(2026, 3, 1)),
            st.sampled_from(CONDUCT_CATEGORIES),
        ),
        max_size=4,
    ),
)
def test_a_dated_case_file_saves_and_loads_again_the_same(kb, person, given_acts):
    case = {"reference_date": "2026-03-01", **person, "answers": {"evidence_sufficient": True}}
    if given_acts:
        case["acts"] = given_acts
    parsed = parse_case(kb, yaml.safe_dump(case), "case.yaml")
    saved = case_data(
        parsed.answers,
        parsed.jurisdiction,
        parsed.reference,
        parsed.knowledge_version,
        conduct_date=parsed.conduct_date,
        life=parsed.life,
    )
    assert parse_case(kb, yaml.safe_dump(saved, sort_keys=False), "saved.yaml") == parsed


def test_pathway_assess_says_which_act_it_assessed_and_which_is_apart(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(DATED)
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "assess", str(case)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Ages computed from the date of birth, 2008-05-10:" in done.stdout
    assert "act of 2026-03-01 (nonviolent_support): aged 17 - the act this assessment is of" in done.stdout
    assert "act of 2026-07-01 (travel): aged 18 - not in this assessment: committed at 18 or over" in done.stdout
    assert "today: aged 18" in done.stdout
    assert "R-AGE-05" in done.stdout


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("date_of_birth: 1700000000", "date_of_birth"),
        ("date_of_birth: 2010-01-01T10:00", "date_of_birth"),
        ("acts: [{date: 0005-01-01, conduct_category: travel}]", "acts.0.date"),
        ("acts: [{date: 2020-01-01, conduct_category: support}]", "acts.0.conduct_category"),
        ("age_assessment: {lowest_age: 15, method: medical}", "age_assessment"),
    ],
)
def test_a_date_or_an_act_that_is_not_one_is_refused_with_its_field(kb, written, field):
    with pytest.raises(CaseFileError) as caught:
        parse_case(kb, f"reference_date: 2026-03-01\n{written}\nanswers: {{}}\n", "case.yaml")
    assert [p.field for p in caught.value.problems] == [field]


def _macr_in_force_for(kb, jurisdiction: str, day: dt.date, reference: dt.date) -> int:
    """The test's own reading of the minimum age for an act: the highest value in force at some
    day from the act to the reference date (the later, more favourable law applies)."""
    profile = kb.jurisdictions[jurisdiction]
    periods = profile.dated.get("macr", ())
    if not periods:
        return profile.values["macr"]
    return max(p.value for p in periods if p.from_ <= reference and (p.until is None or p.until >= day))


@settings(max_examples=60, deadline=None)
@given(
    born=st.tuples(st.dates(dt.date(2007, 1, 1), dt.date(2014, 12, 31)), st.integers(0, 700)).map(
        lambda b: (b[0], b[0] + dt.timedelta(days=b[1]))
    ),  # ages of 4 to 19 at the acts: either side of every minimum age
    given_acts=st.lists(
        st.builds(
            Act,
            date=st.dates(dt.date(2019, 1, 1), dt.date(2026, 9, 1)),
            conduct_category=st.sampled_from(CONDUCT_CATEGORIES),
        ),
        min_size=1,
        max_size=4,
    ),
    jurisdiction=st.sampled_from(["baseline", "ruritania"]),
)
def test_an_act_below_the_minimum_age_in_force_for_it_is_never_ground_for_criminal_proceedings(
    kb, born, given_acts, jurisdiction
):
    reference = dt.datetime(2026, 10, 1, 12, 0)
    assessment = AgeAssessment(born_earliest=born[0], born_latest=born[1], method="holistic")
    kept = [act for act in given_acts if act.date >= born[1]]  # an act before birth is refused
    assume(kept)
    ages = dated_ages(None, assessment, kept, reference.date())
    standings = act_standings(ages, acts_below_minimum_age(kb, jurisdiction, reference, ages))
    result = assess_typed(kb, ages.answers, jurisdiction, reference, conduct_date=ages.conduct_date)
    for age, standing, macr in standings:
        below = age.lowest < _macr_in_force_for(kb, jurisdiction, age.act.date, reference.date())
        assert (macr is not None) == below
        if below and standing == "assessed":  # the assessment itself bars criminal proceedings
            assert ("require", "no_criminal_proceedings") in result.measure_pairs()
            assert ("prohibit", "prosecution") in result.measure_pairs()
        elif below:  # any other act below the minimum age is listed apart
            assert standing == "below_macr"
        else:
            assert standing != "below_macr"


def test_pathway_assess_lists_an_act_below_the_minimum_age_apart_in_text_and_json(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(
        DATED.replace("date_of_birth: 2008-05-10", "date_of_birth: 2011-05-10").replace("2026-07-01", "2024-07-01")
    )
    run = [sys.executable, "-m", "cli.main", "assess", str(case)]
    text = subprocess.run(run, capture_output=True, text=True, check=False)
    assert text.returncode == 0, text.stderr
    assert (
        "act of 2024-07-01 (travel): aged 13 - below the minimum age of criminal responsibility in force for "
        "this act (14): no criminal proceedings for this act (CRC art 40(3)(a); GC24 paras 20-22); under the "
        "international reference profile that age is the CRC Committee's recommendation" in text.stdout
    )
    done = subprocess.run([*run, "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    acts = json.loads(done.stdout)["ages"]["acts"]
    assert [(a["date"], a["age"], a["standing"], a["macr"]) for a in acts] == [
        ("2024-07-01", "13", "below_macr", 14),
        ("2026-03-01", "14", "assessed", None),
    ]

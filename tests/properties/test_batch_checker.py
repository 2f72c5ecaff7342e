"""The batch's one-pass check of a JSON line (pydantic-core, `CaseChecker.check_json`) gives what
`check_case_data` gives: the same typed answers, or the same problems, word for word. Checked on
generated case files with answers bent out of canonical form in every way a file can (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cases.case_file import CaseChecker, check_case_data
from engine.errors import CaseFileError
from engine.load.answers import answer_to_data
from tests.case_generation import answer_sets

EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.integers(min_value=2**63, max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=10),
    st.sampled_from(
        [
            *("unknown", "Unknown", " unknown", "yes", "no", "15", "15.0"),
            *("2026-02-30", "2026-03-01", "2027-01-01", "20260301"),
            *("2026-03-01T09:00", "2026-03-01 09:00", "2026-03-02T09:00", "2026-03-01T09:00:30"),
        ]
    ),
    st.lists(st.one_of(st.text(max_size=8), st.integers(0, 3)), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "jurisdiction": st.sampled_from(["baseline", "ruritania", "atlantis", None, 3]),
        "knowledge_version": st.sampled_from(["v1", None, 7]),
        "extra": st.just(1),
    },
)
REFERENCES = st.sampled_from(["2026-03-01T12:00", "2026-03-01", "2026-03-01T12:00:30", "yesterday", 20260301])


def near_misses(question) -> list:
    """Values a case file may hold for this question that are not in canonical form (or are
    canonical for another type): each parser must accept or refuse them alike."""
    kind, ids = question.type, list(question.choice_ids or [])
    if kind == "yes_no":
        return [1, 0, "on", "off", "yes", "no", "true", "True", "1", "t", "y", 1.0]
    if kind == "integer":
        low, high = question.min, question.max
        return [True, False, float(low), f"{high}", f" {low}", low - 1, high + 1, 2**63, -(2**63) - 1, "1e1"]
    if kind == "choice":
        return [f" {ids[0]}", ids[0].upper(), [ids[0]], ids[0] + "s", "unknown"]
    if kind == "multi_choice":
        return [ids[0], ",".join(ids[:2]), [ids[0], ids[0]], [ids[0], 1], [[ids[0]]], [f"{ids[0]} "], "unknown", []]
    if kind == "date":
        return ["2026-03-01T00:00", "20260301", "2026-3-1", "2099-01-01", " 2026-02-01", "2026-02-01T00:00:00"]
    return ["2026-03-01 09:00", "2026-03-01T09:00:00", "2026-03-01T09:00Z", "2026-03-01", "2099-01-01T00:00"]


def case_lines(kb) -> st.SearchStrategy[tuple[str, str]]:
    """Two lines with the same header: a case in canonical form, and the same case with some
    answers bent (and perhaps an unknown question)."""
    answer_strategy = answer_sets(kb)
    misses = {qid: near_misses(question) for qid, question in kb.questions.items()}

    @st.composite
    def lines(draw) -> tuple[str, str]:  # a closure: the knowledge base stays out of the strategy's repr
        answers = {qid: answer_to_data(value) for qid, value in draw(answer_strategy).items()}
        header = {**draw(HEADERS), "reference_date": draw(REFERENCES)}
        bent = dict(answers)
        for qid in draw(st.lists(st.sampled_from(sorted(misses)), min_size=1, max_size=4, unique=True)):
            bent[qid] = draw(st.one_of(st.sampled_from(misses[qid]), ODD_VALUES))
        if draw(st.booleans()):
            bent[draw(st.sampled_from(["no_such_question", "Age_at_conduct", ""]))] = True
        return json.dumps({**header, "answers": answers}), json.dumps({**header, "answers": bent})

    return lines()


def _outcome(check):
    try:
        return "accepted", check()
    except CaseFileError as err:
        return "refused", [str(problem) for problem in err.problems]


_checkers: dict[int, CaseChecker] = {}


@EXAMPLES
@given(data=st.data())
def test_the_batch_check_of_a_json_line_equals_the_case_file_check(kb, data):
    checker = _checkers.setdefault(id(kb), CaseChecker(kb))  # one checker for every line, as in a batch
    # The canonical line first: its header is then remembered, and the bent line takes the quick path.
    for text in data.draw(case_lines(kb)):
        expected = _outcome(lambda text=text: check_case_data(kb, json.loads(text), "cases.jsonl", None, 7))
        for _ in range(2):
            assert _outcome(lambda text=text: checker.check_json(text.encode(), "cases.jsonl", 7)) == expected

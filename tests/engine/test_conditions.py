"""The condition language: three-valued logic, "I don't know", normal forms, plain words."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from engine.load.conditions import (
    UNKNOWN,
    All,
    AnyOf,
    Atom,
    Not,
    Operand,
    evaluate,
    parse_condition,
    render,
    to_dnf,
    to_nnf,
)

A, B, C = (Atom("fact", name) for name in "abc")


def values(**kw):
    return lambda atom: kw.get(atom.name)


def test_kleene_logic_decides_only_what_the_answers_decide():
    assert evaluate(All((A, B)), values(a=False)) is False
    assert evaluate(All((A, B)), values(a=True)) is None
    assert evaluate(AnyOf((A, B)), values(b=True)) is True
    assert evaluate(AnyOf((A, B)), values(a=False)) is None
    assert evaluate(Not(A), values()) is None


def test_i_dont_know_makes_comparisons_false_and_unknown_true():
    lt = Atom("compare", "age", "lt", Operand("literal", 14))
    assert lt.test(UNKNOWN) is False
    assert Atom("unknown", "age").test(UNKNOWN) is True
    assert Atom("unknown", "age").test(12) is False
    assert lt.test(12) is True


def test_a_yes_no_answer_never_equals_a_number():
    assert Atom("compare", "x", "eq", Operand("literal", True)).test(1) is False
    assert Atom("compare", "x", "eq", Operand("literal", 1)).test(True) is False
    assert Atom("compare", "x", "eq", Operand("literal", True)).test(True) is True


def test_elapsed_time_is_measured_in_the_unit_named():
    start = dt.datetime(2026, 1, 31, 10, 0)
    now = dt.datetime(2026, 3, 1, 9, 0)
    hours = Atom("elapsed", "t", "gt", Operand("literal", 24), unit="hours_since")
    months = Atom("elapsed", "t", "ge", Operand("literal", 1), unit="months_since")
    assert hours.test(start, now) is True
    assert months.test(start, now) is True
    assert months.test(dt.datetime(2026, 2, 15), now) is False


formulas = st.recursive(
    st.sampled_from([A, B, C]),
    lambda inner: st.one_of(
        st.builds(lambda xs: All(tuple(xs)), st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: AnyOf(tuple(xs)), st.lists(inner, min_size=1, max_size=3)),
        st.builds(Not, inner),
    ),
    max_leaves=8,
)
truths = st.sampled_from([True, False, None])


@given(formulas, truths, truths, truths)
def test_normal_forms_keep_the_three_valued_meaning(formula, a, b, c):
    leaf = values(a=a, b=b, c=c)
    expected = evaluate(formula, leaf)
    assert evaluate(to_nnf(formula), leaf) == expected
    dnf = to_dnf(formula, limit=10_000)

    def literal(atom_pol):
        value = leaf(atom_pol[0])
        return None if value is None else value == atom_pol[1]

    conj_values = []
    for conj in dnf:
        parts = [literal(lit) for lit in conj]
        conj_values.append(False if False in parts else None if None in parts else True)
    got = True if True in conj_values else None if None in conj_values else False
    # DNF drops contradictory conjunctions (x and not x), which are never true: truth is kept.
    assert (got is True) == (expected is True)


def test_parse_reports_every_bad_key_with_a_suggestion():
    node, problems = parse_condition({"all": [{"fact": "a"}, {"fakt": "b"}]}, "f.yaml", "R-X-01")
    assert node is None
    assert "unexpected key 'fakt'" in str(problems[0]) and "Did you mean 'fact'?" in str(problems[0])


def test_plain_words_rendering():
    node, _ = parse_condition(
        {"all": [{"fact": "age", "lt": {"param": "macr"}}, {"not": {"unknown": "age"}}]}, "f", "R-X-01"
    )
    text = render(node)
    assert "'age' is below the national parameter 'macr'" in text
    assert "it is not the case that" in text

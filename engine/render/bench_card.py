"""The bench card: one page for the judge at the hearing at hand, as plain data from an assessment.

It holds the test the court applies at that hearing (knowledge/hearings.yaml `test`), condition by
condition, each met, not met or not known with the answers it rests on; the time limits with what
they count from; what is prohibited (in the words the strength allows); the child-friendly
procedure checklist of the hearing (`checklist`); and every source shown, with its strength.

The conditions are read from the knowledge, never listed here: the test rule's condition is cut
into its conjuncts (a conjunct that reads no answer, only facts the engine derives, is the test's
premise: whether the test is in question at all), and each bar (a rule that rules the measure out
on its own, and each exception to the test rule) is the condition "not barred". Each conjunct is
evaluated in the three-valued logic of the engine on the case's answers and derived facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from engine.i18n import N_, _
from engine.load.answers import answer_text
from engine.load.conditions import OP_WORDS, UNKNOWN, All, AnyOf, Atom, Condition, Const, Not, atoms, evaluate
from engine.load.hearings import Hearing
from engine.load.model import STRENGTHS, Question
from engine.load.validate import applies
from engine.run.deadlines import deadline_words
from engine.run.disputed import DisputeAnalysis, MeasureVerdict, Verdict, verdict
from engine.run.explanation import MeasureOutcome, SourceView, source_views
from engine.run.program import Program
from engine.run.session import Assessment

MET, NOT_MET, NOT_KNOWN = "met", "not_met", "not_known"
MAX_DEPENDING = 3  # conclusions that turn on a disputed fact listed on the card (the result lists all)
NOT_IN_QUESTION = "not_in_question"  # the test's premise does not hold: the measure is not sought
STATE_WORDS = {
    MET: N_("met"),
    NOT_MET: N_("not met"),
    NOT_KNOWN: N_("not known"),
    NOT_IN_QUESTION: N_("not in question"),
}


@dataclass(frozen=True)
class Reading:
    """An answer a condition rests on (`answer` None: not answered)."""

    question: str
    text: str
    answer: str | None


@dataclass(frozen=True)
class TestCondition:
    """One condition of the test, its state in this case and what it rests on."""

    label: str
    state: str
    rests_on: tuple[Reading, ...]
    rule: str  # the rule it is read from
    thresholds: tuple[str, ...] = ()  # the profile's values it compares with, in words
    dispute: Verdict | None = None  # with disputed facts: whether it holds either way, or on what it turns

    @property
    def state_words(self) -> str:
        return _(STATE_WORDS[self.state])


@dataclass(frozen=True)
class TestCard:
    """The test of the hearing: its premise, its conditions, the overall state, the conclusion reached."""

    title: str
    measure: str
    measure_title: str
    premise: tuple[str, ...]  # the rules that put the measure in question (those that applied)
    premise_state: str
    conditions: tuple[TestCondition, ...]
    conclusions: tuple[MeasureOutcome, ...]  # what the case reached on the measure (e.g. prohibited)
    sources: tuple[SourceView, ...]
    dispute: Verdict | None = None  # with disputed facts: the test's state either way, or on what it turns

    @property
    def state(self) -> str:
        states = [self.premise_state, *(c.state for c in self.conditions)]
        if self.premise_state == NOT_MET:
            return NOT_IN_QUESTION
        if NOT_MET in states:
            return NOT_MET
        return NOT_KNOWN if NOT_KNOWN in states else MET

    @property
    def state_words(self) -> str:
        return _(STATE_WORDS[self.state])


@dataclass(frozen=True)
class DeadlineLine:
    """A time limit of the hearing: the measure, what it counts from, and its state (engine/run/deadlines.py)."""

    measure: MeasureOutcome
    counts_from: str  # the question whose answer starts the clock
    limit: str  # the profile's limit, in words
    state: str | None  # met | open | exceeded; None: what it counts from is not answered
    words: str  # the state in plain words (due when, met when, exceeded by how much)

    @property
    def exceeded(self) -> bool:
        return self.state == "exceeded"


@dataclass(frozen=True)
class ChecklistItem:
    """A step of the child-friendly procedure at this hearing; `reached` is the case's conclusion on it, if any."""

    measure: str
    title: str
    reached: MeasureOutcome | None
    sources: tuple[SourceView, ...]


@dataclass(frozen=True)
class BenchCard:
    hearing: Hearing | None
    title: str
    test: TestCard | None
    deadlines: tuple[DeadlineLine, ...]
    prohibited: tuple[MeasureOutcome, ...]
    checklist: tuple[ChecklistItem, ...]
    sources: tuple[SourceView, ...]  # every source shown on the card, once
    complete: bool
    open_questions: int
    disputes: DisputeAnalysis | None = None  # the disputed facts, and every conclusion's verdict across them
    depending: tuple[MeasureVerdict, ...] = ()  # the hearing's conclusions that turn on them (at most MAX_DEPENDING)
    more_depending: int = 0  # the other conclusions that turn on them (on the result page)

    def verdict_on(self, kind: str, measure: str) -> Verdict | None:
        found = self.disputes.of(kind, measure) if self.disputes is not None else None
        return found.verdict if found is not None else None


def _leaf(program: Program, assessment: Assessment) -> Callable[[Atom], bool | None]:
    answers, derived, now = assessment.answers, assessment.derived, assessment.reference

    def leaf(atom: Atom) -> bool | None:
        if atom.name in program.derived:
            return derived.get(atom.name)
        return atom.test(answers[atom.name], now) if atom.name in answers else None

    return leaf


def _state(value: bool | None) -> str:
    return MET if value is True else NOT_MET if value is False else NOT_KNOWN


def _choice_labels(question: Question, ids: Iterable[str]) -> str:
    labels = {c.id: c.label for c in question.choices or []}
    return _(" or ").join(labels.get(i, i) for i in ids)


def atom_label(program: Program, atom: Atom, positive: bool = True) -> str:
    """A test on one answer in the words of its question (a parameter test in the parameter's title)."""
    kb = program.kb
    if atom.kind == "param":
        title = kb.parameters[atom.name].title
        return title if positive else _("%(title)s: no") % {"title": title}
    question = kb.questions.get(atom.name)
    if question is None:  # a fact the engine derives (it has no question): its name in words
        subject = atom.name.replace("_", " ")
        return subject if positive else _("not %(subject)s") % {"subject": subject}
    text = question.text
    if atom.kind == "unknown":
        value = _("I don't know")
    elif atom.kind == "given":
        value = _("answered")
    elif atom.kind == "fact":
        value = _("yes")
    elif atom.op == "includes" and question.type == "multi_choice":
        label = _choice_labels(question, [atom.operand.value])
        return label if positive else _("not: %(label)s") % {"label": label}
    elif atom.op in ("in", "includes_any") or (question.choices and atom.op == "eq"):
        ids = atom.operand.value if atom.op != "eq" else [atom.operand.value]
        label = _choice_labels(question, ids)
        return label if positive else _("not: %(label)s") % {"label": label}
    elif isinstance(atom.operand.value, bool):
        value = _("yes") if atom.operand.value == (atom.op == "eq") else _("no")
    elif question.choices and atom.op == "ne":
        value = _("not %(value)s") % {"value": _choice_labels(question, [atom.operand.value])}
    else:
        unit = f" {question.unit}" if question.unit else ""
        if atom.kind == "elapsed":
            unit = " " + atom.unit.split("_")[0]
        value = f"{_(OP_WORDS[atom.op])} {atom.operand.value}{unit}"
    if not positive:
        value = _("not %(value)s") % {"value": value}
    return f"{text} — {value}"


def condition_label(program: Program, node: Condition, positive: bool = True) -> str:
    """A condition in the words of its questions: "A; or (B; and C)" (negations pushed to the tests)."""
    if isinstance(node, Atom):
        return atom_label(program, node, positive)
    if isinstance(node, Not):
        return condition_label(program, node.item, not positive)
    if isinstance(node, Const):
        return _("always") if node.value == positive else _("never")
    conjunction = isinstance(node, All) == positive
    parts = []
    for item in node.items:
        inner = item.item if isinstance(item, Not) else item
        label = condition_label(program, item, positive)
        parts.append(f"({label})" if isinstance(inner, All | AnyOf) else label)
    return _("; and ").join(parts) if conjunction else _("; or ").join(parts)


def _readings(program: Program, assessment: Assessment, node: Condition, state: str) -> tuple[Reading, ...]:
    """The answers a condition reads (the unanswered ones too when they are what is missing). A tick
    box of a multiple choice reads as ticked or not ticked."""
    kb, answers = program.kb, assessment.answers
    found: dict[str, Reading] = {}
    single = len(list(atoms(node))) == 1  # the label already names the tick box
    for atom in atoms(node):
        question = kb.questions.get(atom.name)
        if question is None or atom.name in found:
            continue
        if atom.name not in answers:
            if state == NOT_KNOWN:
                found[atom.name] = Reading(atom.name, question.text, None)
            continue
        value = answers[atom.name]
        if atom.op == "includes" and question.type == "multi_choice" and value is not UNKNOWN:
            label = _choice_labels(question, [atom.operand.value])
            ticked = atom.operand.value in value
            if single:
                answer = _("ticked") if ticked else _("not ticked")
            else:
                answer = (_("ticked: %(label)s") if ticked else _("not ticked: %(label)s")) % {"label": label}
            found[atom.name + ":" + atom.operand.value] = Reading(atom.name, question.text, answer)
        else:
            found[atom.name] = Reading(atom.name, question.text, answer_text(question, value))
    return tuple(found.values())


def _deciding(program: Program, node: Condition, leaf: Callable[[Atom], bool | None]) -> Condition:
    """The conjuncts of a rule's condition that decide it: the false ones if any, else the undecided, else all."""
    parts = _conjuncts(node)
    values = [evaluate(program.bind(part), leaf) for part in parts]
    for wanted in (False, None):
        chosen = [part for part, value in zip(parts, values, strict=True) if value is wanted]
        if chosen:
            return All(tuple(chosen))
    return node


def _thresholds(program: Program, rule_id: str) -> tuple[str, ...]:
    kb = program.kb
    found = []
    for use in program.parameters_read(rule_id):
        parameter = kb.parameters[use.id]
        if parameter.type == "integer" and use.national is not None:
            found.append(f"{parameter.title}: {use.national} {parameter.unit or ''}".strip())
    return tuple(found)


def _reads_answers(program: Program, node: Condition) -> bool:
    return any(a.kind == "param" or a.name in program.kb.questions for a in atoms(node))


def _conjuncts(node: Condition) -> tuple[Condition, ...]:
    return node.items if isinstance(node, All) else (node,)


def _sources_for(program: Program, rule_ids: Iterable[str], measure: str) -> tuple[SourceView, ...]:
    kb = program.kb
    cites = [c for rid in rule_ids for c in kb.rules[rid].spec.sources if applies(c, measure)]
    return _unique(source_views(kb, cites))


def _strongest(views: tuple[SourceView, ...]) -> tuple[SourceView, ...]:
    """The citations at the strongest strength among them (the basis a reader needs first)."""
    read = [v for v in views if v.verification != "NV"] or list(views)
    top = min((STRENGTHS.index(v.force) for v in read), default=0)
    return tuple(v for v in read if STRENGTHS.index(v.force) == top)


def _unique(views: Iterable[SourceView]) -> tuple[SourceView, ...]:
    return tuple({(v.id, v.pinpoint, v.force): v for v in views}.values())


def test_card(program: Program, assessment: Assessment, hearing: Hearing) -> TestCard | None:
    """The hearing's test on this case, condition by condition (None: the hearing names no test)."""
    test = hearing.test
    if test is None:
        return None
    kb = program.kb
    leaf = _leaf(program, assessment)
    fired = {step.rule_id for step in assessment.trace}
    premise, conditions = [], []
    for part in _conjuncts(kb.rules[test.rule].condition):
        bound = program.bind(part)
        value = evaluate(bound, leaf)
        if not _reads_answers(program, part):
            premise.append(value)
            continue
        state = _state(value)
        conditions.append(
            TestCondition(condition_label(program, part), state, _readings(program, assessment, part, state), test.rule)
        )
    bars = dict.fromkeys([*test.bars, *program.exceptions.get(test.rule, [])])
    for bar in bars:
        value = evaluate(program.own[bar], leaf)
        state = NOT_MET if bar in fired else NOT_KNOWN if value is None else MET
        label = _("Not barred: %(title)s") % {"title": kb.rules[bar].spec.title}
        node = _deciding(program, kb.rules[bar].condition, leaf)
        conditions.append(
            TestCondition(label, state, _readings(program, assessment, node, state), bar, _thresholds(program, bar))
        )
    premise_state = NOT_MET if False in premise else NOT_KNOWN if None in premise else MET
    derived_read = [a.name for a in atoms(kb.rules[test.rule].condition) if a.name in program.derived]
    setters = [r for name in derived_read for r in program.derived[name] if r in fired]
    return TestCard(
        test.title,
        test.measure,
        kb.measures[test.measure].title,
        tuple(dict.fromkeys(setters)),
        premise_state,
        tuple(conditions),
        tuple(m for m in assessment.measures if m.id == test.measure),
        _unique(
            [
                *_sources_for(program, [test.rule], test.measure),
                *_sources_for(program, bars, test.measure),
            ]
        ),
    )


def _deadlines(program: Program, assessment: Assessment, in_scope: Callable[[str], bool]) -> tuple[DeadlineLine, ...]:
    kb = program.kb
    lines = []
    for m in assessment.measures:
        spec = kb.measures[m.id].deadline
        if spec is None or m.kind == "prohibit" or not in_scope(m.decision_point):
            continue
        amount = program.values.get(spec.param)
        limit = f"{amount} {_(spec.unit)}" if amount is not None else _("no limit in this profile")
        found = m.deadline
        start = found.from_question if found is not None else spec.counts_from[0]
        words = deadline_words(found) if found is not None else _("start not known")
        lines.append(
            DeadlineLine(m, kb.questions[start].text, limit, found.state if found is not None else None, words)
        )
    order = {"exceeded": 0, "open": 1, None: 2, "met": 3, "ended": 4}
    lines.sort(
        key=lambda line: (order[line.state], line.measure.deadline.due if line.measure.deadline else dt.datetime.max)
    )
    return tuple(lines)


def _checklist(program: Program, assessment: Assessment, hearing: Hearing | None) -> tuple[ChecklistItem, ...]:
    kb = program.kb
    if hearing is None:
        return ()
    reached = {m.id: m for m in assessment.measures if m.kind == "require"}
    items = []
    for measure in hearing.checklist:
        outcome = reached.get(measure)
        if outcome is not None:
            sources = tuple(outcome.basis) or tuple(outcome.sources)
        else:
            rules = [r.id for r in kb.rules.values() if ("require", measure) in r.spec.then.measures()]
            sources = _strongest(_sources_for(program, rules, measure))
        items.append(ChecklistItem(measure, kb.measures[measure].title, outcome, sources))
    return tuple(items)


def _with_disputes(program: Program, card: TestCard, hearing: Hearing, disputes: DisputeAnalysis) -> TestCard:
    """The test with each condition's verdict across the disputed values (the same conditions in every variant)."""
    cards = [card] + [test_card(program, v.assessment, hearing) for v in disputes.variants[1:]]
    conditions = tuple(
        replace(c, dispute=verdict(disputes, [other.conditions[i].state for other in cards]))
        for i, c in enumerate(card.conditions)
    )
    return replace(card, conditions=conditions, dispute=verdict(disputes, [other.state for other in cards]))


def bench_card(assessment: Assessment, disputes: DisputeAnalysis | None = None) -> BenchCard:
    """The bench card of the assessment's hearing (the whole pathway when it has none); with
    `disputes` (engine.run.disputed, the case as given first), each condition and conclusion says
    whether it holds either way."""
    program = assessment.program
    kb = program.kb
    hearing = assessment.hearing
    if hearing is None:
        hearing = kb.hearings.get("whole_pathway")

    def in_scope(point: str) -> bool:
        return assessment.hearing is None or assessment.hearing.covers(point)

    test = test_card(program, assessment, hearing) if hearing is not None else None
    if test is not None and disputes is not None:
        test = _with_disputes(program, test, hearing, disputes)
    deadlines = _deadlines(program, assessment, in_scope)
    prohibited = tuple(m for m in assessment.measures if m.kind == "prohibit" and in_scope(m.decision_point))
    checklist = _checklist(program, assessment, hearing)
    # One page: the hearing's own conclusions that turn on a disputed fact; the rest are counted.
    all_depending = disputes.depending if disputes is not None else ()
    depending = [m for m in all_depending if in_scope(m.decision_point)]
    shown = [
        *(test.sources if test else ()),
        *(view for line in deadlines for view in line.measure.basis),
        *(view for m in prohibited for view in m.basis),
        *(view for item in checklist for view in item.sources),
    ]
    return BenchCard(
        hearing,
        hearing.title if hearing is not None else _("The whole pathway"),
        test,
        deadlines,
        prohibited,
        checklist,
        _unique(shown),
        assessment.complete,
        len(assessment.open_questions),
        disputes,
        tuple(depending[:MAX_DEPENDING]),
        len(all_depending) - min(len(depending), MAX_DEPENDING),
    )


def to_text(card: BenchCard) -> str:
    """The bench card as plain text (the command line's `pathway bench-card`)."""
    lines = [_("Bench card: %(title)s") % {"title": card.title}, ""]
    if not card.complete:
        lines += [
            _("Provisional: %(count)d questions that can change it are unanswered.") % {"count": card.open_questions},
            "",
        ]
    test = card.test
    if test is not None:
        lines.append(f"{test.title}: {test.state_words}")
        if test.dispute is not None:
            lines.append("  " + dispute_words(test.dispute, card.disputes))
        for condition in test.conditions:
            lines.append(f"  [{condition.state_words}] {condition.label}")
            if condition.dispute is not None:
                lines.append("      " + dispute_words(condition.dispute, card.disputes))
            for threshold in condition.thresholds:
                lines.append(f"      {threshold}")
            for reading in condition.rests_on:
                answer = reading.answer if reading.answer is not None else _("not answered")
                lines.append(f"      {reading.text} → {answer}")
        for outcome in test.conclusions:
            lines.append(f"  {outcome.words}")
        lines.append("")
    if card.deadlines:
        lines.append(_("Time limits"))
        for line in card.deadlines:
            counted = _("%(limit)s from “%(start)s”") % {"limit": line.limit, "start": line.counts_from}
            lines.append(f"  {line.measure.title}: {counted} — {line.words}")
        lines.append("")
    if card.prohibited:
        lines.append(_("Prohibited or advised against"))
        lines += [f"  {m.title}: {m.words}" for m in card.prohibited]
        lines.append("")
    if card.checklist:
        lines.append(_("Child-friendly procedure"))
        for item in card.checklist:
            mark = item.reached.words if item.reached else _("not reached for these answers")
            lines.append(f"  [ ] {item.title} ({mark})")
        lines.append("")
    if card.disputes is not None:
        lines += disputes_text(card.disputes)
    lines.append(_("Sources"))
    lines += [f"  {view.label()}" for view in card.sources]
    return "\n".join(lines) + "\n"


def fact_words(analysis: DisputeAnalysis, question_id: str) -> str:
    """A disputed fact in words: the question, the answer given and the other side's value."""
    kb = analysis.given.assessment.program.kb
    question = kb.questions[question_id]
    return _("%(question)s — given: %(given)s; other side: %(other)s") % {
        "question": question.text,
        "given": answer_text(question, analysis.given.answers[question_id]),
        "other": answer_text(question, analysis.disputes[question_id]),
    }


def dispute_words(found: Verdict, analysis: DisputeAnalysis) -> str:
    """ "holds either way" or "depends on: <the facts it turns on>"."""
    if found.holds:
        return _("holds either way")
    kb = analysis.given.assessment.program.kb
    facts = "; ".join(kb.questions[q].text for q in found.turns_on) or _("a combination of the disputed facts")
    return _("depends on: %(facts)s") % {"facts": facts}


def disputes_text(analysis: DisputeAnalysis) -> list[str]:
    """The disputed facts, what the court must establish, and each conclusion that turns on them."""
    lines = [_("Disputed facts")]
    lines += [f"  {fact_words(analysis, q)}" for q in analysis.disputes]
    if analysis.alone:
        lines.append(
            "  " + _("Beyond %(n)d disputed facts, each further one is varied alone.") % {"n": len(analysis.combined)}
        )
    must = analysis.must_establish
    if must:
        kb = analysis.given.assessment.program.kb
        lines.append(_("The court must establish:"))
        lines += [f"  {kb.questions[q].text}" for q in must]
    else:
        lines.append(_("Every conclusion holds either way."))
    for m in analysis.depending:
        lines.append(f"  {m.title} ({m.kind}): " + dispute_words(m.verdict, analysis))
    lines.append("")
    return lines

"""The session API: answers so far -> measures, explanation, next question.

Used by the CLI and the web app alike. It is a pure function of (knowledge base, answers,
jurisdiction, reference moment): nothing is stored, so a case lives wherever its caller keeps
it (a file, a signed browser session). experta is the engine of record for the conclusions;
the compiled evaluator (`engine.run.compiled`) decides which questions are still relevant.

Speed (see docs/performance.md): while an interview is incomplete, `assess_typed` computes the
provisional result with the compiled evaluator, which the differential test proves equal to
experta's conclusions on every generated case; once no question is open (the final result),
or when `engine="experta"` is asked for, experta computes the result. A memo of assessments
keyed by (knowledge base, profile, reference moment, answers, engine) exists for benchmarks and
batch-like callers, but it is off (size 0) by default: a server must keep no case data beyond
the request that carries it, so the web app caches per request instead (web/case.py).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from engine.errors import AnswerError
from engine.load.answers import parse_answers
from engine.load.hearings import WHOLE_PATHWAY, Hearing
from engine.load.knowledge_base import KnowledgeBase
from engine.load.life_dates import Act, AgeAssessment
from engine.load.model import INTERNATIONAL_PROFILE, NotEncoded, Question, reference_datetime
from engine.run.ages import AgeAtAct, DatedAges, below_minimum_age, case_ages
from engine.run.compiler import PathwayEngine, compile_engine_class
from engine.run.deadlines import Event, RecordedEvent, event_log
from engine.run.disputed import DisputeAnalysis, Variant, analyse, combinations
from engine.run.evaluator import Evaluation, Relevance, holds
from engine.run.explanation import MeasureOutcome, TraceStep, measure_outcomes, trace_steps
from engine.run.law_in_force import LawApplied, RuleInForce, law_in_force, out_of_force, overrides_for, rules_in_force
from engine.run.program import ParameterUse, Program

DEFAULT_JURISDICTION = INTERNATIONAL_PROFILE
ENGINES = ("auto", "experta", "compiled")
MEMO_SIZE = 4096
_local = threading.local()


class AnswersError(ValueError):
    """Some answers cannot be accepted; `.errors` lists each with what is allowed."""

    def __init__(self, errors: list[AnswerError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class UnknownJurisdictionError(ValueError):
    """The jurisdiction profile asked for does not exist."""


class UnknownHearingError(ValueError):
    """The hearing asked for is not one of the knowledge base's."""


def program_for(kb: KnowledgeBase, jurisdiction: str) -> Program:
    """The rule base bound to a profile, built once per knowledge base and profile."""
    if jurisdiction not in kb.jurisdictions:
        known = ", ".join(sorted(kb.jurisdictions))
        raise UnknownJurisdictionError(f"unknown jurisdiction '{jurisdiction}' (known: {known})")
    program = kb.programs.get(jurisdiction)
    if program is None:
        program = kb.programs.setdefault(jurisdiction, Program(kb, jurisdiction))
    return program


@dataclass(frozen=True)
class LawOfCase:
    """The law in force for a case: the version applied of each dated parameter, and whether
    each rule with a validity period applies (engine.run.law_in_force)."""

    parameters: list[LawApplied]
    rules: list[RuleInForce]


def dated_program(
    kb: KnowledgeBase, jurisdiction: str, reference: dt.datetime, conduct: dt.date | None = None
) -> tuple[Program, LawOfCase]:
    """The program of the law in force for this case (engine.run.law_in_force), with the version
    applied of each dated parameter and rule; the profile's own program when nothing differs.
    Programs are memoised by what differs, so a case costs one program build per distinct law."""
    program = program_for(kb, jurisdiction)
    applied = law_in_force(kb, jurisdiction, reference, conduct)
    rules = rules_in_force(kb, reference, conduct)
    overrides = overrides_for(kb, jurisdiction, applied)
    out = out_of_force(rules)
    law = LawOfCase(applied, rules)
    if not overrides and not out:
        return program, law
    key = (jurisdiction, tuple(sorted(overrides.items())), out)
    found = kb.programs.get(key)
    if found is None:
        found = kb.programs.setdefault(key, Program(kb, jurisdiction, overrides, out))
    return found, law


def dated_case(
    date_of_birth: dt.date | None,
    assessment: AgeAssessment | None,
    acts: Sequence[Act],
    conduct_date: dt.date | None,
    reference: dt.datetime,
) -> tuple[DatedAges | None, list[tuple[tuple[str | int, ...], str]]]:
    """The ages a case's dates give at the reference moment (engine.run.ages: the same for case
    files, the API and the web form), and what contradicts them, by field path."""
    return case_ages(date_of_birth, assessment, acts, {}, conduct_date, reference.date())


def macr_on(kb: KnowledgeBase, jurisdiction: str, reference: dt.datetime) -> Callable[[dt.date], int]:
    """The minimum age of criminal responsibility that applies to an act of a given date: the
    substantive law in force then, or a later, more favourable one (engine.run.law_in_force)."""

    def on(day: dt.date) -> int:
        applied = next((law for law in law_in_force(kb, jurisdiction, reference, day) if law.parameter == "macr"), None)
        return kb.jurisdictions[jurisdiction].values["macr"] if applied is None else applied.value

    return on


def acts_below_minimum_age(
    kb: KnowledgeBase, jurisdiction: str, reference: dt.datetime, ages: DatedAges
) -> tuple[tuple[AgeAtAct, int], ...]:
    """The acts committed below the minimum age in force for each, with that age: no criminal
    proceedings for them (CRC art 40(3)(a); GC24 paras 20-22), listed apart."""
    return below_minimum_age(ages, macr_on(kb, jurisdiction, reference))


def engine_for(program: Program) -> PathwayEngine:
    """This thread's experta engine for the program: built once, reset for every case. Under a
    profile supplied by the user it is kept with the program itself, so with the copy of the
    knowledge base that lives for one request or command, and goes with it: the server keeps
    nothing of a case (and a later copy could reuse the id this one had)."""
    if program.kb.supplied_profile is not None:
        found = program.engines.get(threading.get_ident())
        if found is None:
            found = program.engines[threading.get_ident()] = compile_engine_class(program)()
        return found
    engines = getattr(_local, "engines", None)
    if engines is None:
        engines = _local.engines = {}
    key = (
        id(program.kb),
        program.kb.version,
        program.profile.id,
        tuple(sorted(program.overrides.items())),
        program.out_of_force,
    )
    engine = engines.get(key)
    if engine is None:
        engine = engines[key] = compile_engine_class(program)()
    return engine


def reference_moment(value: dt.date | dt.datetime | None) -> dt.datetime:
    """The moment deadlines and elapsed times are measured at (default: now, to the minute)."""
    if value is None:
        return dt.datetime.now().replace(second=0, microsecond=0)
    return reference_datetime(value)


@dataclass(frozen=True)
class NextQuestion:
    """The next question to ask, and the undecided rules waiting on its answer."""

    question: Question
    waiting_rules: list[str]


@dataclass
class Assessment:
    """Everything known about a case at this point of the interview."""

    jurisdiction: str
    reference: dt.datetime
    knowledge_version: str
    answers: dict[str, Any]
    measures: list[MeasureOutcome]
    trace: list[TraceStep]
    derived: dict[str, bool | None]
    open_questions: list[NextQuestion]
    gaps: list[tuple[ParameterUse, list[str]]]
    not_encoded: list[NotEncoded]  # the points left to judgement that arise in this case (see `arising`)
    experta_order: list[str] = field(default_factory=list)
    program: Program | None = field(default=None, repr=False, compare=False)
    engine: str = "experta"  # what computed the conclusions: "experta" (of record) or "compiled" (provisional)
    hearing: Hearing | None = None  # the decision prepared (None: the whole pathway)
    law: list[LawApplied] = field(default_factory=list)  # the version applied of each dated parameter
    rules_law: list[RuleInForce] = field(default_factory=list)  # each rule with a validity period: applied or not, why
    conduct_date: dt.date | None = None
    recorded: tuple[RecordedEvent, ...] = ()  # the events the case records: shown, never assessed

    @cached_property
    def unused_answers(self) -> list[str]:
        """Answers the interview would not ask for now (computed on first use: it replays the interview)."""
        return unused_answers(self.program.kb, self.program, self.answers, self.reference, self.hearing)

    @property
    def complete(self) -> bool:
        return not self.open_questions

    @cached_property
    def events(self) -> list[Event]:
        """The case's dated events (arrest, first appearance, charge, detention, reviews, release,
        final decision...) in the order they happened."""
        return event_log(self.program.kb.questions, self.answers, self.recorded)

    @property
    def next_question(self) -> NextQuestion | None:
        return self.open_questions[0] if self.open_questions else None

    def measures_of(self, kind: str) -> list[MeasureOutcome]:
        return [m for m in self.measures if m.kind == kind]

    def measure_pairs(self) -> set[tuple[str, str]]:
        return {(m.kind, m.id) for m in self.measures}


def hearing_for(kb: KnowledgeBase, hearing: str | None) -> Hearing | None:
    """The hearing a case is prepared for (None: the whole pathway, every rule counts)."""
    if hearing is None or (hearing == WHOLE_PATHWAY and hearing not in kb.hearings):
        return None
    if hearing not in kb.hearings:
        known = ", ".join(kb.hearings) or "none"
        raise UnknownHearingError(f"unknown hearing '{hearing}' (known: {known})")
    return kb.hearings[hearing]


def asking_order(kb: KnowledgeBase, hearing: Hearing | None):
    """The order questions are asked in: the hearing's decision points in its order (age first), then file order."""
    if hearing is None:
        hearing = kb.hearings.get(WHOLE_PATHWAY)
    if hearing is None:
        return kb.question_sort_key
    return lambda qid: (hearing.position(kb.questions[qid].decision_point), kb.question_sort_key(qid))


def open_questions(
    kb: KnowledgeBase,
    program: Program,
    answers: Mapping[str, Any],
    now: dt.datetime,
    evaluation: Evaluation,
    hearing: Hearing | None = None,
) -> list[NextQuestion]:
    """Relevant unanswered questions in asking order (see `asking_order`)."""
    waiting = Relevance(program, answers, now, evaluation, program.scope(hearing)).waiting()
    ids = sorted((q for q in waiting if q in kb.questions and q not in answers), key=asking_order(kb, hearing))
    return [NextQuestion(kb.questions[q], waiting[q]) for q in ids]


def pending_questions(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    hearing: str | None = None,
    conduct_date: dt.date | None = None,
) -> list[NextQuestion]:
    """The relevant unanswered questions only (no experta run): for walking an interview quickly."""
    program = dated_program(kb, jurisdiction, now, conduct_date)[0]
    return open_questions(
        kb, program, answers, now, program.compiled.evaluation(answers, now), hearing_for(kb, hearing)
    )


def asked_question(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    question_id: str,
    hearing: str | None = None,
    conduct_date: dt.date | None = None,
) -> NextQuestion | None:
    """The (unanswered) question as the interview would ask it given these answers, with the rules
    waiting on it; None if it would not be asked. The same as finding it in `pending_questions`,
    without working out every other question."""
    program = dated_program(kb, jurisdiction, now, conduct_date)[0]
    scope = program.scope(hearing_for(kb, hearing))
    relevance = Relevance(program, answers, now, program.compiled.evaluation(answers, now), scope)
    waiting = relevance.waiting_on(question_id) if question_id in kb.questions else []
    return NextQuestion(kb.questions[question_id], waiting) if waiting else None


@dataclass(frozen=True)
class InterviewStep:
    """One page of an interview, from one assessment of the case: the assessment (provisional
    while questions are open, experta's once none is), the question at the page's step (as it
    would be asked without its own answer, with the rules waiting on it) and the steps in order.

    Step n is the n-th answer in the order given; the step after the last answer is the next
    question. Answers that no longer apply keep their step (see `Assessment.unused_answers`)."""

    assessment: Assessment
    steps: tuple[str, ...]
    asking: NextQuestion | None = None  # None: no step was asked for, or the step has no question
    disputes: DisputeAnalysis | None = None  # the conclusions compared across the disputed values, if any

    @property
    def asking_id(self) -> str | None:
        return self.asking.question.id if self.asking is not None else None

    def step_of(self, question_id: str) -> int:
        return self.steps.index(question_id) + 1


def interview_step(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    step: int | None = None,
    hearing: str | None = None,
    disputes: Mapping[str, Any] | None = None,
    conduct_date: dt.date | None = None,
    events: Sequence[RecordedEvent] = (),
) -> InterviewStep:
    """Assess the case (answers in the order given) for a hearing and, if `step` is given, the question at that step.
    With `disputes` (question id -> the other side's value) and no step, the conclusions are compared
    across the disputed values too (`weigh_disputes`); `events`, the events the case records, go
    to its event log."""
    assessment = assess_typed(kb, answers, jurisdiction, now, hearing=hearing, conduct_date=conduct_date, events=events)
    following = assessment.next_question
    steps = (*answers, following.question.id) if following is not None else tuple(answers)
    if step is None or not 1 <= step <= len(steps):
        weighed = weigh_disputes(kb, answers, disputes, jurisdiction, now, hearing, assessment) if disputes else None
        return InterviewStep(assessment, steps, disputes=weighed)
    question_id = steps[step - 1]
    without = {k: v for k, v in answers.items() if k != question_id}
    asked = asked_question(kb, without, jurisdiction, now, question_id, hearing, conduct_date) or NextQuestion(
        kb.questions[question_id], []
    )
    return InterviewStep(assessment, steps, asked)


def weigh_disputes(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    disputes: Mapping[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    hearing: str | None = None,
    given: Assessment | None = None,
) -> DisputeAnalysis | None:
    """Assess the case with each combination of the disputed values (engine.run.disputed) and
    compare the conclusions; None when no answered question is disputed."""
    found = combinations(answers, disputes)
    if len(found) < 2:
        return None
    variants = []
    for other_side, varied in found:
        if not other_side and given is not None:
            variants.append(Variant(other_side, varied, given))
        else:
            variants.append(Variant(other_side, varied, assess_typed(kb, varied, jurisdiction, now, hearing=hearing)))
    return analyse(disputes, variants)


def unused_answers(
    kb: KnowledgeBase, program: Program, answers: Mapping[str, Any], now: dt.datetime, hearing: Hearing | None = None
) -> list[str]:
    """Answers the interview would not ask for now: replay it, taking each next question's answer.

    Adding an answer can only decide rules, never reopen them, so the set of relevant questions
    only shrinks during an interview. The replay therefore reduces to one pass over the answered
    questions in asking order, keeping each one that is still relevant given those kept before it.
    """
    replayed: dict[str, Any] = {}
    scope = program.scope(hearing)
    for question_id in sorted(answers, key=asking_order(kb, hearing)):
        relevance = Relevance(program, replayed, now, program.compiled.evaluation(replayed, now), scope)
        if relevance.asks(question_id):
            replayed[question_id] = answers[question_id]
    return [qid for qid in answers if qid not in replayed]


class AssessmentMemo:
    """A bounded, thread-safe LRU of assessments keyed by the canonical answers (order-free)."""

    def __init__(self, size: int = MEMO_SIZE):
        self.size = size
        self._items: OrderedDict[Hashable, Assessment] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Assessment | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, value: Assessment) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


memo = AssessmentMemo(size=0)  # off by default; see the module docstring


def _memo_key(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    engine: str,
    hearing: str | None,
    conduct: dt.date | None = None,
):
    key = (id(kb), kb.version, jurisdiction, now, engine, hearing, conduct, frozenset(answers.items()))
    try:
        hash(key)
    except TypeError:  # an answer of a type no parser produces (e.g. a list): not memoised
        return None
    return key


def assess_typed(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    engine: str = "auto",
    hearing: str | None = None,
    conduct_date: dt.date | None = None,
    events: Sequence[RecordedEvent] = (),
) -> Assessment:
    """Assess already-checked answers (see `engine.load.answers.parse_answers`).

    `conduct_date`: when the alleged conduct took place, for the substantive law in force then
    (a profile with dated values; engine.run.law_in_force).

    `events`: the events the case records (diversion offered, judgement...): kept with the
    assessment for its event log; they are the record of what happened and change no conclusion,
    so they are not part of what is assessed (nor of the memo's key).

    `engine`: "auto" (default) computes a provisional result of an incomplete interview with
    the compiled evaluator and the final result with experta; "experta" always uses experta;
    "compiled" always uses the compiled evaluator. Results are memoised; treat them as read-only.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}' (known: {', '.join(ENGINES)})")
    key = _memo_key(kb, answers, jurisdiction, now, engine, hearing, conduct_date)
    result = memo.get(key) if key is not None else None
    if result is None:
        result = _assess(kb, dict(answers), jurisdiction, now, engine, hearing_for(kb, hearing), conduct_date)
        if key is not None:
            memo.put(key, result)
    return replace(result, recorded=tuple(events)) if events else result


def _assess(
    kb: KnowledgeBase,
    answers: dict[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    engine: str,
    hearing: Hearing | None,
    conduct: dt.date | None = None,
) -> Assessment:
    program, law = dated_program(kb, jurisdiction, now, conduct)
    evaluation = program.compiled.evaluation(answers, now)
    questions = open_questions(kb, program, answers, now, evaluation, hearing)
    if engine == "experta" or (engine == "auto" and not questions):
        run = engine_for(program).assess(answers, now)
        fired, order, used = run.fired, run.fired, "experta"
        derived = {name: run.derived.get(name, evaluation.derived.get(name)) for name in program.derived}
    else:
        fired, order, used = evaluation.fired(), [], "compiled"
        derived = dict(evaluation.derived)
    steps = trace_steps(program, fired, answers, derived)
    gaps: dict[str, tuple[ParameterUse, list[str]]] = {}
    for step in steps:
        for use in step.parameters:
            if use.differs:
                gaps.setdefault(use.id, (use, []))[1].append(step.rule_id)
    return Assessment(
        jurisdiction=jurisdiction,
        reference=now,
        knowledge_version=kb.version,
        answers=answers,
        measures=measure_outcomes(program, steps, answers, now),
        trace=steps,
        derived=derived,
        open_questions=questions,
        gaps=list(gaps.values()),
        not_encoded=arising(program, answers, derived, now),
        experta_order=order,
        program=program,
        engine=used,
        hearing=hearing,
        law=law.parameters,
        rules_law=law.rules,
        conduct_date=conduct,
    )


def arising(program: Program, answers: Mapping[str, Any], derived: Mapping[str, bool | None], now: dt.datetime):
    """The points left to judgement that arise in this case: those whose `applies_when` holds
    (a point without one arises in every case; one whose condition is still open does not yet)."""
    conditions = program.kb.applies_when
    return [
        item
        for item in program.kb.not_encoded
        if item.id not in conditions or holds(program, conditions[item.id], answers, derived, now) is True
    ]


def assess(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    jurisdiction: str = DEFAULT_JURISDICTION,
    reference: dt.date | dt.datetime | None = None,
    engine: str = "auto",
    hearing: str | None = None,
) -> Assessment:
    """Check raw answers (from a file or a form) and assess them; raise `AnswersError` if any is bad."""
    now = reference_moment(reference)
    program_for(kb, jurisdiction)
    typed, errors = parse_answers(kb.questions, answers, now)
    if errors:
        raise AnswersError(errors)
    return assess_typed(kb, typed, jurisdiction, now, engine, hearing)

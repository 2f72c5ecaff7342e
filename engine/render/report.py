"""Render an assessment for people (plain text) and for programs (JSON-ready data)."""

from __future__ import annotations

import textwrap
from typing import Any

from engine.i18n import N_, _
from engine.load.answers import answer_text, answer_to_data
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import INTERNATIONAL_PROFILE
from engine.render.ages_text import AgesSummary
from engine.render.texts import Texts
from engine.run.deadlines import Deadline, Event, deadline_words, event_moment, iso_moment, moment_text
from engine.run.disputed import DisputeAnalysis
from engine.run.explanation import MeasureOutcome, SourceView
from engine.run.session import Assessment

# Words kept in constants are translated where they are shown (engine.i18n).
DISCLAIMER = N_(
    "Decision support only: this is not a decision. The decision, and the assessment of the "
    "child's best interests, stay with the judge or prosecutor, who may decide differently and "
    "record why."
)
KIND_HEADINGS = {
    "require": N_("Required now"),
    "prohibit": N_("Prohibited or advised against"),
    "recommend": N_("Recommended"),
    "flag": N_("Flags"),
}
INTERNATIONAL_COMPARISON = N_(
    "Compared with the international reference values (profile 'baseline'): the minimum ages and "
    "time limits used are those the international standards recommend, not any country's law. A "
    "conclusion resting on a reference value reads as advice, never as what national law prohibits; "
    "only a conclusion resting on binding law (a treaty, EU law or a Chapter VII decision of the "
    'Security Council) says "required by" or "prohibited by", and binds only those bound by that law.'
)
NATIONAL_COMPARISON = N_(
    "Applies the national values of the profile '{name}' as given (verify them against current "
    "national law); each conclusion says whether it rests on binding law or on non-binding standards."
)


def event_text(event: Event, texts: Texts) -> str:
    """What happened: the question a date answers, or the title of a recorded event's kind."""
    if event.kind is not None:
        return texts("events", event.kind, "title")
    return texts("questions", event.question_id, "text")


def comparison_note(assessment: Assessment, kb: KnowledgeBase) -> str:
    """What the profile's values are: the international reference values, or a country's law."""
    if assessment.jurisdiction == INTERNATIONAL_PROFILE:
        return _(INTERNATIONAL_COMPARISON)
    return _(NATIONAL_COMPARISON).format(name=kb.jurisdictions[assessment.jurisdiction].name)


def _source_data(view: SourceView, texts: Texts) -> dict[str, Any]:
    return {
        "id": view.id,
        "title": texts("sources", view.id, "title"),
        "pinpoint": view.pinpoint,
        "binding_force": view.binding_force,
        "force": view.force,
        "force_label": view.force_words,
        "binding": view.binding,
        "verification": view.verification,
        "verified": view.verification == "V",
        "text": view.text,
        "quote": view.quote,
        "symbol": view.symbol,
        "url": view.url,
    }


def strength_data(measure: MeasureOutcome) -> dict[str, Any]:
    """The normative strength of a measure, as the JSON report and the API give it."""
    return {
        "level": measure.strength,
        "label": measure.strength_words,
        "binding": measure.binding,
        "words": measure.words,
        "basis": [{"id": v.id, "pinpoint": v.pinpoint, "force": v.force} for v in measure.basis],
        "reference_values": [
            {"parameter": use.id, "international": use.international} for use in measure.reference_values
        ],
        "national_values": [{"parameter": use.id, "national": use.national} for use in measure.national_values],
        "why_still_prohibited": list(measure.reasons),
    }


def deadline_data(deadline: Deadline) -> dict[str, Any]:
    """A deadline's state, what it counts from and, when it differs, the international limit."""
    other = deadline.international
    return {
        "from_question": deadline.from_question,
        "start": iso_moment(deadline.start),
        "due": deadline.due.isoformat(timespec="minutes"),
        "state": deadline.state,
        "exceeded": deadline.exceeded,
        "met_on": None if deadline.met_on is None else iso_moment(deadline.met_on),
        "met_by": deadline.met_question,
        "ended_on": None if deadline.ended_on is None else iso_moment(deadline.ended_on),
        "late_hours": None if deadline.late is None else round(deadline.late.total_seconds() / 3600, 1),
        "hours_left": round(deadline.remaining.total_seconds() / 3600, 1) if deadline.is_open else None,
        "hours_over": round(deadline.overdue.total_seconds() / 3600, 1) if deadline.exceeded else None,
        "parameter": deadline.parameter,
        "limit": {"amount": deadline.amount, "unit": deadline.unit},
        "international": None
        if other is None
        else {
            "limit": {"amount": other.amount, "unit": deadline.unit},
            "due": other.due.isoformat(timespec="minutes"),
            "state": other.state,
        },
        "words": deadline_words(deadline),
    }


def _measure_data(measure: MeasureOutcome, texts: Texts) -> dict[str, Any]:
    deadline = measure.deadline
    return {
        "id": measure.id,
        "kind": measure.kind,
        "title": texts("measures", measure.id, "title"),
        "description": texts("measures", measure.id, "description") or None,
        "decision_point": measure.decision_point,
        "tags": list(measure.tags),
        "rules": measure.rules,
        "strength": strength_data(measure),
        "sources": [_source_data(s, texts) for s in measure.sources],
        "deadline": None if deadline is None else deadline_data(deadline),
    }


SUPPLIED_PROFILE = N_(
    "The profile {name} ({id}) was supplied by the user, not shipped with the tool: its values are as the user gave them."
)


def profile_supplied(assessment: Assessment) -> bool:
    """Whether the case's profile was supplied by the user (a file, an upload, the API), not shipped."""
    return assessment.program.kb.supplied_profile == assessment.jurisdiction


def profile_name(assessment: Assessment, texts: Texts) -> str:
    """The profile's name in the language of `texts` (a supplied profile's as the user wrote it)."""
    if profile_supplied(assessment):
        return assessment.program.kb.jurisdictions[assessment.jurisdiction].name
    return texts("jurisdictions", assessment.jurisdiction, "name")


def to_data(
    assessment: Assessment,
    lang: str | None = None,
    disputes: DisputeAnalysis | None = None,
    ages: AgesSummary | None = None,
) -> dict[str, Any]:
    """The machine-readable form (`pathway assess --json`): the knowledge texts in `lang` (default:
    the current language), those without a current translation in English, listed under
    `in_english` ("kind:id.field"); with disputed answers, `disputes` (`disputes_data`); with
    ages computed from dates, `ages` (each act, its age and standing: engine.render.ages_text)."""
    texts = Texts(assessment.program.kb, lang)
    data = {
        "disclaimer": _(DISCLAIMER),
        "language": texts.lang,
        "jurisdiction": assessment.jurisdiction,
        "international_reference": assessment.jurisdiction == INTERNATIONAL_PROFILE,
        "profile": {
            "id": assessment.jurisdiction,
            "name": profile_name(assessment, texts),
            "fictional": assessment.program.kb.jurisdictions[assessment.jurisdiction].fictional,
            "supplied_by_user": profile_supplied(assessment),
        },
        "reference_date": assessment.reference.isoformat(timespec="minutes"),
        "conduct_date": None if assessment.conduct_date is None else assessment.conduct_date.isoformat(),
        "law_applied": [
            {
                "parameter": law.parameter,
                "value": law.value,
                "since": law.since.isoformat(),
                "source": law.source,
                "reason": law.reason,
                "why": _(law.why),
            }
            for law in assessment.law
        ],
        "rules_in_force": [
            {
                "rule": rule.rule,
                "applies": rule.applies,
                "since": rule.in_force.from_.isoformat(),
                "until": None if rule.in_force.until is None else rule.in_force.until.isoformat(),
                "source": rule.in_force.source,
                "law": rule.in_force.law,
                "effect": rule.in_force.effect,
                "reason": rule.reason,
                "why": _(rule.why),
            }
            for rule in assessment.rules_law
        ],
        "knowledge_version": assessment.knowledge_version,
        "complete": assessment.complete,
        "answers": {k: answer_to_data(v) for k, v in assessment.answers.items()},
        "measures": [_measure_data(m, texts) for m in assessment.measures],
        "trace": [
            {
                "rule": step.rule_id,
                "title": texts("rules", step.rule_id, "title"),
                "decision_point": step.decision_point,
                "stratum": step.stratum,
                "facts": {use.id: answer_to_data(use.value) for use in step.facts},
                "parameters": [
                    {"id": p.id, "national": p.national, "international": p.international} for p in step.parameters
                ],
                "sets": step.sets,
                "concludes": [{"kind": k, "measure": m} for k, m in step.conclusions],
                "sources": [_source_data(s, texts) for s in step.sources],
            }
            for step in assessment.trace
        ],
        "national_vs_international": [
            {"parameter": use.id, "national": use.national, "international": use.international, "rules": rules}
            for use, rules in assessment.gaps
        ],
        "open_questions": [
            {"id": q.question.id, "text": texts("questions", q.question.id, "text"), "waiting_rules": q.waiting_rules}
            for q in assessment.open_questions
        ],
        "answers_no_longer_relevant": assessment.unused_answers,
        "events": [
            {"question": e.question_id, "kind": e.kind, "text": event_text(e, texts), "at": event_moment(e, "T")}
            for e in assessment.events
        ],
        "left_to_judgement": [
            {"id": n.id, "title": texts("not_encoded", n.id, "title"), "why": texts("not_encoded", n.id, "why")}
            for n in assessment.not_encoded
        ],
    }
    data["in_english"] = list(texts.english)
    data["disputes"] = disputes_data(disputes, texts) if disputes is not None else None
    data["ages"] = None if ages is None else ages.data()
    return data


def disputes_data(found: DisputeAnalysis, texts: Texts) -> dict[str, Any]:
    """Each conclusion compared across the disputed values: holds either way, or the facts it turns on."""
    return {
        "disputed": {q: answer_to_data(v) for q, v in found.disputes.items()},
        "combined": list(found.combined),
        "varied_alone": list(found.alone),
        "must_establish": list(found.must_establish),
        "conclusions": [
            {
                "kind": m.kind,
                "measure": m.measure,
                "title": texts("measures", m.measure, "title"),
                "reached_with_answers_given": m.in_given,
                "holds_either_way": m.verdict.holds,
                "turns_on": list(m.verdict.turns_on),
            }
            for m in found.measures
        ],
    }


def _paragraph(text: str, indent: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=100, initial_indent=indent, subsequent_indent=indent)


def source_line(view: SourceView) -> str:
    flag = "" if view.verification == "V" else f" [{view.verification_words.upper()}]"
    return f"{view.id} {view.pinpoint} — {view.force_note}{flag}"


def quote_lines(view: SourceView, indent: str) -> list[str]:
    """The operative words a citation rests on, as read."""
    return [_paragraph(f"“{view.quote}”", indent)] if view.quote else []


def _sources_cited(assessment: Assessment, kb: KnowledgeBase, texts: Texts) -> list[str]:
    """Every source the measures cite, with its official symbol and stable link where known."""
    ids = dict.fromkeys(view.id for m in assessment.measures for view in m.sources)
    lines = []
    for source_id in ids:
        source = kb.sources[source_id]
        where = " · ".join(part for part in (source.symbol or source.citation, source.url) if part)
        title = texts("sources", source_id, "title")
        lines.append(f"  - {source_id}: {title}" + (f" — {where}" if where else ""))
    return lines


def to_text(assessment: Assessment, kb: KnowledgeBase, lang: str | None = None) -> str:
    """The explained recommendation as plain text (CLI): the knowledge texts in `lang` (default: the
    current language), English where there is no current translation (counted at the end). Quoted
    words stay as read (English)."""
    texts = Texts(kb, lang)
    profile = kb.jurisdictions[assessment.jurisdiction]
    out = [_paragraph(_(DISCLAIMER), ""), ""]
    out.append(
        _("Jurisdiction: {name} ({id}) · reference date {date} · knowledge version {version}").format(
            name=profile_name(assessment, texts),
            id=profile.id,
            date=assessment.reference.strftime("%Y-%m-%d %H:%M"),
            version=assessment.knowledge_version,
        )
    )
    if profile_supplied(assessment):
        out.append(_paragraph(_(SUPPLIED_PROFILE).format(name=profile.name, id=profile.id), ""))
    out.append(_paragraph(comparison_note(assessment, kb), ""))
    if not assessment.complete:
        out.append(
            _("PROVISIONAL: {n} relevant question(s) are still unanswered.").format(n=len(assessment.open_questions))
        )
    for kind, heading in KIND_HEADINGS.items():
        measures = assessment.measures_of(kind)
        if not measures:
            continue
        out += ["", f"{heading.upper()}"]
        for m in measures:
            line = f"  - {texts('measures', m.id, 'title')}"
            if m.deadline:
                line += f" ({deadline_words(m.deadline)})"
            out.append(line + f"  [{m.strength_words}]")
            out.append(_paragraph(m.words, "      "))
            for reason in m.reasons:
                out.append(_paragraph(_("Why still listed as a prohibition: {reason}").format(reason=reason), "      "))
            if m.deadline:
                counted = _("Counted from: {question} ({start}); limit {amount} {unit} ({parameter}).").format(
                    question=texts("questions", m.deadline.from_question, "text"),
                    start=moment_text(m.deadline.start),
                    amount=m.deadline.amount,
                    unit=_(m.deadline.unit),
                    parameter=m.deadline.parameter,
                )
                out.append(_paragraph(counted, "      "))
                origin = kb.jurisdictions[assessment.jurisdiction].notes.get(m.deadline.parameter)
                if origin:
                    out.append(_paragraph(_("Time limit: {note}").format(note=origin), "      "))
            out.append("      " + _("because: {rules}").format(rules=", ".join(m.rules)))
            for view in m.sources:
                out.append("      " + source_line(view))
                out += quote_lines(view, "          ")
    if assessment.law:
        out += ["", _("LAW APPLIED (dated values of the profile)")]
        for law in assessment.law:
            out.append(
                _paragraph(
                    _("{parameter} = {value}: in force from {since} ({source}); {why}.").format(
                        parameter=law.parameter, value=law.value, since=law.since, source=law.source, why=_(law.why)
                    ),
                    "  ",
                )
            )
    if assessment.rules_law:
        out += ["", _("RULES IN FORCE FOR A PERIOD")]
        for rule in assessment.rules_law:
            period = rule.in_force
            until = _(" until {until}").format(until=period.until) if period.until else ""
            line = _("{rule} ({state}): in force from {since}{until} ({source}); {why}.").format(
                rule=rule.rule,
                state=_("applied") if rule.applies else _("not applied"),
                since=period.from_,
                until=until,
                source=period.source,
                why=_(rule.why),
            )
            out.append(_paragraph(line, "  "))
    if assessment.events:
        out += ["", _("EVENTS OF THE CASE")]
        for e in assessment.events:
            when = event_moment(e)
            out.append(_paragraph(f"{when}  {event_text(e, texts)}", "  "))
    cited = _sources_cited(assessment, kb, texts)
    if cited:
        out += ["", _("SOURCES CITED (official symbol and link)"), *cited]
    if assessment.gaps:
        out += ["", _("NATIONAL LAW AND THE INTERNATIONAL STANDARD DIFFER")]
        for use, rules in assessment.gaps:
            title = texts("parameters", use.id, "title")
            out.append(
                f"  - {title}: "
                + _("national {n}, international {i} (rules {r})").format(
                    n=use.national, i=use.international, r=", ".join(rules)
                )
            )
    out += ["", _("WHY (rules applied, in order)")]
    for step in assessment.trace:
        out.append(f"  {step.rule_id} [{step.decision_point}] {texts('rules', step.rule_id, 'title')}")
        for use in step.facts:
            out.append(f"      {use.id} = {_fact_text(kb, use, texts)}")
        out.append(_paragraph(texts("rules", step.rule_id, "explanation"), "      "))
    if assessment.open_questions:
        out += ["", _("STILL UNANSWERED (the result may change)")]
        out += [f"  - {q.question.id}: {texts('questions', q.question.id, 'text')}" for q in assessment.open_questions]
    if assessment.not_encoded:
        out += ["", _("LEFT TO THE DECISION-MAKER'S JUDGEMENT (not encoded)")]
        out += [f"  - {texts('not_encoded', n.id, 'title')}" for n in assessment.not_encoded]
    if texts.english:
        out += [
            "",
            _("{n} knowledge text(s) shown in English: no current translation in '{lang}'.").format(
                n=len(texts.english), lang=texts.lang
            ),
        ]
    return "\n".join(out)


def _fact_text(kb: KnowledgeBase, use, texts: Texts) -> str:
    """An answer a rule read, with the choice labels in the render's language."""
    if use.derived or use.id not in kb.questions or use.value is None:
        return use.text
    question = kb.questions[use.id]
    return answer_text(question, use.value, texts.choice_labels(question))

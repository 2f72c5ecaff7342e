"""The JSON API (/api/v1/): assess a case, the next question, the knowledge, a case's decision tree.

Stateless: every request carries the whole case (answers, profile, reference moment); nothing
is stored, no cookie is set or read, and request bodies are never logged. Answers travel in
POST bodies only, never in a URL (URLs reach access logs). CSRF protection does not apply (no
cookie, so no ambient authority to forge); the app exempts this blueprint.

Requests are checked by the pydantic models in `web.api.models` (shape), then by the engine
(meaning); errors are RFC 9457 problem details naming each field (`web.api.problems`). The
OpenAPI 3.1 document is generated from the same models at /api/v1/openapi.json.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, json, request
from pydantic import BaseModel, ValidationError

from engine.cases.case_file import check_events
from engine.errors import KnowledgeError
from engine.load.answers import allowed_text, parse_answers
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Question
from engine.load.profiles import profile_from_data, with_profile
from engine.render.ages_text import AgesSummary, case_ages_summary
from engine.render.decision_tree import TreeNode, build_tree, render_svg
from engine.render.report import to_data
from engine.run.ages import case_ages
from engine.run.deadlines import RecordedEvent
from engine.run.disputed import check_disputes
from engine.run.session import (
    UnknownJurisdictionError,
    assess_typed,
    dated_program,
    pending_questions,
    program_for,
    reference_moment,
    unused_answers,
    weigh_disputes,
)

from ..case import knowledge, on_engine_thread
from ..security import bounded_body
from . import models, problems
from .openapi import openapi_document

M = TypeVar("M", bound=models.CaseRequest)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class _RefusedError(Exception):
    def __init__(self, response: Response):
        self.response = response


@bp.errorhandler(_RefusedError)
def _refused(error: _RefusedError) -> Response:
    return error.response


def _json(model: BaseModel, status: int = 200) -> Response:
    return Response(json.dumps(model.model_dump(mode="json")), status=status, mimetype="application/json")


def _case_request(model: type[models.CaseRequest] = models.CaseRequest) -> models.CaseRequest:
    if not request.is_json:
        raise _RefusedError(
            problems.problem(
                415,
                "Unsupported Media Type",
                "Send the case as a JSON object with Content-Type: application/json.",
                problems.INVALID_REQUEST,
            )
        )
    try:
        return model.model_validate_json(bounded_body())
    except ValidationError as err:
        raise _RefusedError(problems.validation_problem(err)) from None


def _case_law(kb: KnowledgeBase, case: M) -> tuple[KnowledgeBase, M]:
    """The knowledge base and the case under the profile the request carries (`profile`: checked
    like a profile file, kept for this request only), or as they are when it carries none."""
    if case.profile is None:
        return kb, case
    try:
        profile = profile_from_data(kb, case.profile, "profile")
    except KnowledgeError as err:
        errors = [
            models.FieldError(field="profile" + (f".{p.field}" if p.field else ""), message=p.message)
            for p in err.problems
        ]
        detail = f"{len(errors)} problem(s) in the profile; nothing was assessed. See errors."
        raise _RefusedError(
            problems.problem(422, "The profile cannot be used", detail, problems.INVALID_PROFILE, errors)
        ) from None
    return with_profile(kb, profile), case.model_copy(update={"jurisdiction": profile.id})


def _checked(kb: KnowledgeBase, case: models.CaseRequest) -> tuple[dict[str, Any], dt.datetime, dt.date | None]:
    """Typed answers (with the ages computed from the dates, engine.run.ages), the reference
    moment and the date of the conduct, or a problem response naming what is wrong."""
    try:
        program_for(kb, case.jurisdiction)
    except UnknownJurisdictionError as err:
        raise _RefusedError(
            problems.problem(
                422,
                "Unknown jurisdiction profile",
                str(err),
                problems.UNKNOWN_JURISDICTION,
                [models.FieldError(field="jurisdiction", message=str(err))],
            )
        ) from None
    now = reference_moment(case.reference_date)
    typed, errors = parse_answers(kb.questions, case.answers, now)
    if errors:
        raise _RefusedError(problems.answers_problem(errors))
    ages, found = case_ages(
        case.date_of_birth, case.age_assessment, case.acts, case.answers, case.conduct_date, now.date()
    )
    if found:
        errors = [models.FieldError(field=".".join(map(str, path)), message=message) for path, message in found]
        detail = f"{len(errors)} date(s) or answer(s) contradict the case's dates; nothing was assessed. See errors."
        raise _RefusedError(problems.problem(422, "The dates cannot stand", detail, problems.INVALID_ANSWERS, errors))
    if ages is None:
        return typed, now, case.conduct_date
    return {**typed, **ages.answers}, now, ages.conduct_date


def _events(kb: KnowledgeBase, case: models.CaseRequest, now: dt.datetime) -> tuple[RecordedEvent, ...]:
    """The events the case records (engine.cases.case_file.check_events), or a problem response."""
    events, found = check_events(kb, case.events, now)
    if found:
        errors = [models.FieldError(field=where, message=message, suggestion=hint) for where, message, hint in found]
        detail = f"{len(errors)} recorded event(s) cannot stand; nothing was assessed. See errors."
        raise _RefusedError(problems.problem(422, "Some events cannot stand", detail, problems.INVALID_ANSWERS, errors))
    return events


def _ages(kb: KnowledgeBase, case: models.CaseRequest, now: dt.datetime) -> AgesSummary | None:
    """The ages of a case checked by `_checked`, in words (none without a date of birth or assessment)."""
    ages, _found = case_ages(case.date_of_birth, case.age_assessment, case.acts, {}, case.conduct_date, now.date())
    return case_ages_summary(kb, case.jurisdiction, now, ages)


def question_out(question: Question) -> models.QuestionOut:
    return models.QuestionOut(
        id=question.id,
        decision_point=question.decision_point,
        text=question.text,
        help=question.help,
        type=question.type,
        choices=[models.ChoiceOut(id=c.id, label=c.label) for c in question.choices] if question.choices else None,
        min=question.min,
        max=question.max,
        unit=question.unit,
        allow_unknown=question.allow_unknown,
        past=question.past,
        allowed=allowed_text(question),
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API (generated from the pydantic models)."""
    return Response(json.dumps(openapi_document()), mimetype="application/json")


@bp.get("/knowledge")
def knowledge_list() -> Response:
    """Questions, rules, sources and jurisdiction profiles, with the knowledge version."""
    kb = knowledge()
    return _json(_knowledge_out(kb))


@bp.get("/knowledge/version")
def knowledge_version() -> Response:
    """The knowledge version (a hash of the knowledge files) and the app version."""
    from ..records import app_version

    return _json(models.VersionOut(knowledge_version=knowledge().version, app_version=app_version()))


def _knowledge_out(kb: KnowledgeBase) -> models.KnowledgeOut:
    cached = current_app.extensions.get("pathway_api_knowledge")
    if cached is not None and cached.knowledge_version == kb.version:
        return cached
    out = models.KnowledgeOut(
        knowledge_version=kb.version,
        questions=[question_out(q) for q in kb.questions.values()],
        rules=[
            models.RuleOut(
                id=r.id,
                decision_point=r.spec.decision_point,
                title=r.spec.title,
                explanation=r.spec.explanation,
                exception_to=list(r.spec.exception_to),
                sets=list(r.spec.then.set),
                concludes=[
                    models.ConclusionOut(kind=kind, measure=m)
                    for kind in ("require", "prohibit", "recommend", "flag")
                    for m in getattr(r.spec.then, kind)
                ],
                sources=[
                    models.CitationOut(id=c.id, pinpoint=c.pinpoint, verification=c.verification)
                    for c in r.spec.sources
                ],
            )
            for r in kb.rules.values()
        ],
        sources=[
            models.KnowledgeSourceOut(
                id=s.id,
                title=s.title,
                citation=s.citation,
                binding_force=s.binding_force,
                verification=s.verification,
                note=s.note,
            )
            for s in kb.sources.values()
        ],
        profiles=[
            models.ProfileOut(id=j.id, name=j.name, description=j.description, fictional=j.fictional, values=j.values)
            for j in kb.jurisdictions.values()
        ],
        events=[models.EventKindOut(id=e.id, title=e.title, timed=e.timed) for e in kb.events.values()],
    )
    current_app.extensions["pathway_api_knowledge"] = out
    return out


@bp.post("/assess")
def assess() -> Response:
    """The explained recommendation for a case (the JSON of `pathway assess --json`), with disputed answers compared."""
    kb, case = _case_law(knowledge(), _case_request(models.AssessRequest))
    typed, now, conduct = _checked(kb, case)
    ages = _ages(kb, case, now)
    disputes, refused = check_disputes(kb.questions, typed, case.disputed, now)
    if refused:
        errors = [models.FieldError(field=f"disputed.{q}", message=m, question=q) for q, m in refused]
        detail = f"{len(errors)} disputed answer(s) cannot stand; nothing was assessed. See errors."
        raise _RefusedError(
            problems.problem(422, "Some disputed answers cannot stand", detail, problems.INVALID_ANSWERS, errors)
        )
    events = _events(kb, case, now)
    assessment = on_engine_thread(assess_typed, kb, typed, case.jurisdiction, now, "experta", None, conduct, events)
    weighed = on_engine_thread(weigh_disputes, kb, typed, disputes, case.jurisdiction, now, None, assessment)
    return _json(models.AssessmentOut.model_validate(to_data(assessment, disputes=weighed, ages=ages)))


@bp.post("/next-question")
def next_question() -> Response:
    """The next question the interview would ask for these answers, with the rules waiting on it."""
    kb, case = _case_law(knowledge(), _case_request())
    typed, now, conduct = _checked(kb, case)

    def work() -> tuple[list, list[str]]:
        program = dated_program(kb, case.jurisdiction, now, conduct)[0]
        pending = pending_questions(kb, typed, case.jurisdiction, now, conduct_date=conduct)
        return pending, unused_answers(kb, program, typed, now)

    pending, unused = on_engine_thread(work)
    first = pending[0] if pending else None
    return _json(
        models.NextQuestionOut(
            knowledge_version=kb.version,
            jurisdiction=case.jurisdiction,
            reference_date=now.isoformat(timespec="minutes"),
            complete=first is None,
            question=question_out(first.question) if first else None,
            waiting_rules=[
                models.WaitingRuleOut(id=r, title=kb.rules[r].spec.title)
                for r in (first.waiting_rules if first else [])
            ],
            open_questions=len(pending),
            answers_no_longer_relevant=unused,
        )
    )


def _tree_out(node: TreeNode) -> models.TreeNodeOut:
    return models.TreeNodeOut(
        id=node.id,
        kind=node.kind,
        label=node.label,
        detail=node.detail,
        on_path=node.on_path,
        measure_kind=node.measure_kind,
        uses=list(node.uses),
        items=list(node.items),
        children=[_tree_out(child) for child in node.children],
    )


@bp.post("/decision-tree")
def decision_tree() -> Response:
    """The case's decision tree: SVG (default) or, with ?format=json, the same tree as nested JSON."""
    kb = knowledge()
    wanted = request.args.get("format", "svg")
    if wanted not in ("svg", "json"):
        raise _RefusedError(
            problems.problem(
                422,
                "The request is not valid",
                "format must be svg or json.",
                problems.INVALID_REQUEST,
                [models.FieldError(field="format", message="expected svg or json")],
            )
        )
    kb, case = _case_law(kb, _case_request())
    typed, now, conduct = _checked(kb, case)
    assessment = on_engine_thread(assess_typed, kb, typed, case.jurisdiction, now, "auto", None, conduct)
    tree = build_tree(kb, assessment)
    if wanted == "json":
        return _json(models.TreeOut(knowledge_version=kb.version, tree=_tree_out(tree)))
    svg = render_svg(tree)
    if svg is None:
        return problems.problem(
            503,
            "The diagram cannot be drawn",
            "Graphviz (dot) is not available on this server; ask for ?format=json to get the same tree as data.",
            problems.GRAPHVIZ_UNAVAILABLE,
        )
    return Response(svg, mimetype="image/svg+xml")

"""For trainers: the pathway map, the scenario library, step-through, what if, and what would change this.

Every page works on a case from one of two places: the current case of this browser session, or
a scenario of the knowledge base (`?scenario=N`, numbered from 1 in library order). Nothing is
stored on the server; a what-if answer is posted, shown, and forgotten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from engine.analysis.counterfactuals import what_would_change
from engine.cases.scenarios import run_scenario
from engine.i18n import current_language
from engine.load.answers import answer_text, integer_ranges, parse_answers
from engine.load.knowledge_base import KnowledgeBase, ScenarioEntry
from engine.render.headline import headline
from engine.render.pathway_map import LEFT_OUT, build_map, map_svg, overlay, path_ids
from engine.render.stepthrough import replay
from engine.run.session import Assessment, assess_typed

from .busy import expensive
from .case import Case, knowledge, load_case, on_engine_thread, save_case
from .forms import ActionForm, form_value, read_answer, submitted_value
from .knowledge_cache import cached
from .rejected import redirect_back, take_rejected
from .result import KINDS, summary_context
from .texts import kt

bp = Blueprint("teaching", __name__)
NUMBER = re.compile(r"^[0-9]{1,6}$")


class PageError(Exception):
    """A request these pages cannot serve, with a precise message (and details) for the user."""

    def __init__(self, status: int, title: str, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.status, self.title, self.message, self.details = status, title, message, details or []


@bp.app_errorhandler(PageError)
def problem_page(problem: PageError) -> tuple[str, int]:
    return render_template(
        "teaching/problem.html",
        status=problem.status,
        title=problem.title,
        message=problem.message,
        details=problem.details,
    ), problem.status


@dataclass
class CaseSource:
    """Where the case of a page comes from: the session's current case, or scenario `number`."""

    case: Case
    number: int | None = None
    entry: ScenarioEntry | None = None

    @property
    def args(self) -> dict[str, Any]:
        """Query arguments that keep the same case on the next page."""
        return {"scenario": self.number} if self.number is not None else {}


def scenario_number(kb: KnowledgeBase, raw: str) -> int:
    """The scenario number from a URL, or a PageError that says what is wrong with it."""
    count = len(kb.scenarios)
    if not NUMBER.match(raw or ""):
        raise PageError(
            400,
            gettext("This scenario number is not valid"),
            gettext(
                "A scenario is chosen by its number, a whole number from 1 to %(count)d; “%(given)s” was given.",
                count=count,
                given=(raw or "")[:40],
            ),
        )
    number = int(raw)
    if not 1 <= number <= count:
        raise PageError(
            404,
            gettext("There is no such scenario"),
            gettext(
                "There is no scenario %(number)d: the library has scenarios 1 to %(count)d.",
                number=number,
                count=count,
            ),
        )
    return number


def scenario_case(kb: KnowledgeBase, number: int) -> CaseSource:
    """Scenario `number` as a case; a malformed scenario is a PageError listing every bad answer."""
    entry = kb.scenarios[number - 1]
    scenario = entry.scenario
    if scenario.jurisdiction not in kb.jurisdictions:
        raise PageError(
            400,
            gettext("This scenario cannot be run"),
            gettext(
                "Scenario %(number)d (%(file)s, line %(line)s) names the jurisdiction profile “%(j)s”, which does not exist. Known profiles: %(known)s.",
                number=number,
                file=entry.where.file,
                line=entry.where.line,
                j=scenario.jurisdiction,
                known=", ".join(sorted(kb.jurisdictions)),
            ),
        )
    typed, errors = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
    if errors:
        raise PageError(
            400,
            gettext("This scenario cannot be run"),
            gettext(
                "Some answers of scenario %(number)d (%(file)s, line %(line)s) are not accepted by the knowledge base:",
                number=number,
                file=entry.where.file,
                line=entry.where.line,
            ),
            [str(error) for error in errors],
        )
    return CaseSource(Case(scenario.jurisdiction, scenario.reference_date, dict(typed)), number, entry)


def current_source(required: bool = True) -> CaseSource | None:
    """The case of this request: `?scenario=N`, else the session's case (None if there is none and not required)."""
    kb = knowledge()
    if "scenario" in request.args:
        return scenario_case(kb, scenario_number(kb, request.args["scenario"]))
    case = load_case()
    if case is None:
        return None
    return CaseSource(case)


def with_source(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the case source to the view; without a case, go to the scenario library and say why."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        source = current_source()
        if source is None:
            flash(gettext("This page needs a case: open a scenario below, or start a case."), "notice")
            return redirect(url_for("teaching.scenarios"))
        return view(source, *args, **kwargs)

    return wrapped


@bp.app_template_global()
def values_text(question: Any, values: tuple[Any, ...]) -> str:
    """Several answers in words; runs of whole numbers as ranges (14–17)."""
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return integer_ranges(list(values))
    shown = [answer_text(question, v) for v in values[:6]]
    more = len(values) - len(shown)
    text = gettext(" or ").join(shown)
    return text + (" " + gettext("(and %(num)d more)", num=more) if more > 0 else "")


# --- Scenario library -------------------------------------------------------------------------


def scenario_outcomes(kb: KnowledgeBase) -> list:
    """Every scenario run once per knowledge version."""
    return cached(
        "scenario_outcomes", compute=lambda: on_engine_thread(lambda: [run_scenario(kb, e) for e in kb.scenarios])
    )


@bp.route("/scenarios")
def scenarios() -> str:
    """The scenario library."""
    kb = knowledge()
    return render_template(
        "teaching/scenarios.html", kb=kb, entries=list(enumerate(kb.scenarios, 1)), outcomes=scenario_outcomes(kb)
    )


@bp.route("/scenarios/<number>", methods=["GET", "POST"])
def scenario(number: str) -> Any:
    """One scenario: its story, its answers, what comes out; load it as the current case."""
    kb = knowledge()
    n = scenario_number(kb, number)
    entry = kb.scenarios[n - 1]
    form = ActionForm()
    source, problem = None, None
    try:
        source = scenario_case(kb, n)
    except PageError as err:
        problem = err
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if source is None:
            raise problem  # type: ignore[misc]
        save_case(source.case)
        flash(gettext("The scenario was loaded as your current case."), "success")
        return redirect(url_for("result.show"))
    context: dict[str, Any] = {"kb": kb}
    if source is not None:
        assessment = source.case.assess()
        context = summary_context(kb, assessment)
        context["outcome"] = scenario_outcomes(kb)[n - 1]
    return render_template(
        "teaching/scenario.html",
        number=n,
        entry=entry,
        source=source,
        problem=problem,
        form=form,
        profile=kb.jurisdictions.get(entry.scenario.jurisdiction),
        **context,
    ), (problem.status if problem else 200)


# --- Step-through -----------------------------------------------------------------------------


@bp.route("/steps")
@with_source
def steps_start(source: CaseSource) -> Any:
    return redirect(url_for("teaching.step", number=0, **source.args))


@bp.route("/steps/<number>")
@with_source
def step(source: CaseSource, number: str) -> Any:
    """Step `number` of the case's replay (0: the facts given); one step per page."""
    case = source.case
    kb = case.kb
    assessment = on_engine_thread(assess_typed, kb, case.answers, case.jurisdiction, case.reference, "experta")
    firings = replay(assessment)
    if not NUMBER.match(number) or int(number) > len(firings):
        raise PageError(
            404,
            gettext("There is no such step"),
            gettext(
                "This case has %(count)d rule firings: steps are numbered 0 (the facts given) to %(count)d; “%(given)s” was asked for.",
                count=len(firings),
                given=number[:20],
            ),
        )
    n = int(number)
    current = firings[n - 1] if n else None
    return render_template(
        "teaching/step.html",
        kb=kb,
        source=source,
        assessment=assessment,
        firings=firings,
        number=n,
        current=current,
        profile=kb.jurisdictions[case.jurisdiction],
        answered=sorted(case.answers, key=kb.question_sort_key),
        prev_url=url_for("teaching.step", number=n - 1, **source.args) if n > 0 else None,
        next_url=url_for("teaching.step", number=n + 1, **source.args) if n < len(firings) else None,
    )


# --- What if ----------------------------------------------------------------------------------


def measure_table(kb: KnowledgeBase, before: Assessment, after: Assessment) -> list[dict[str, Any]]:
    """Side by side, per kind: measures in both, only before, only after. The kinds that change
    come first, and in each cell the measures that change before those that stay."""
    rows = []
    for kind in KINDS:
        old = {m.id: m for m in before.measures_of(kind)}
        new = {m.id: m for m in after.measures_of(kind)}
        gone = [(m, m.id not in new) for m in old.values()]
        came = [(m, m.id not in old) for m in new.values()]
        rows.append(
            {
                "kind": kind,
                "before": sorted(gone, key=lambda item: not item[1]),
                "after": sorted(came, key=lambda item: not item[1]),
                "changed": set(old) != set(new),
            }
        )
    return sorted(rows, key=lambda row: not row["changed"])


def what_if_questions(kb: KnowledgeBase, case: Case, assessment: Assessment) -> tuple[list[str], list[str]]:
    """The answers that apply (in the knowledge's order), then the open questions: what-if pages by number."""
    used = [q for q in sorted(case.answers, key=kb.question_sort_key) if q not in assessment.unused_answers]
    return used, [o.question.id for o in assessment.open_questions]


@bp.route("/what-if")
@with_source
def what_if(source: CaseSource) -> str:
    """The case's answers, each with a link to try a different answer."""
    kb = source.case.kb
    assessment = source.case.assess()
    used, open_ids = what_if_questions(kb, source.case, assessment)
    return render_template(
        "teaching/what_if.html",
        kb=kb,
        source=source,
        assessment=assessment,
        used=used,
        open_ids=open_ids,
        numbers={qid: number for number, qid in enumerate([*used, *open_ids], start=1)},
        profile=kb.jurisdictions[source.case.jurisdiction],
    )


@bp.route("/what-if/<int:number>", methods=["GET", "POST"])
@with_source
def what_if_question(source: CaseSource, number: int) -> Any:
    """Change one answer (the case itself is not changed) and see the measures side by side.

    The question is chosen by its number in the what-if list, never by its id (a URL must not
    tell which questions this case answered)."""
    case = source.case
    kb = case.kb
    before = case.assess()
    used, open_ids = what_if_questions(kb, case, before)
    listed = [*used, *open_ids]
    if not 1 <= number <= len(listed):
        raise PageError(
            404,
            gettext("There is no such question"),
            gettext(
                "This case has %(count)d questions to try; number %(number)d is not one.",
                count=len(listed),
                number=number,
            ),
        )
    question_id = listed[number - 1]
    item = kb.questions[question_id]
    problem = comparison = None
    after = None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        if request.form.get("question") != question_id:
            raise PageError(
                409,
                gettext("The case changed"),
                gettext("The case changed in another window since this page was shown. Open the what-if list again."),
            )
        value, problem = read_answer(item, request.form, case.reference)
        if problem is None:
            trial = Case(
                case.jurisdiction, case.reference, {**case.answers, question_id: value}, profile_data=case.profile_data
            )
            after = trial.assess()
            comparison = measure_table(kb, before, after)
            shown = form_value(item, value)
        else:
            kept = redirect_back(request.form)  # shown by the GET, so Back never lands on a POST
            if kept is not None:
                return kept
            shown = submitted_value(request.form)
    elif (rejected := take_rejected()) is not None and rejected.get("question") == question_id:
        _, problem = read_answer(item, rejected, case.reference)
        shown = submitted_value(rejected) if problem else form_value(item, case.answers.get(question_id))
    else:
        shown = form_value(item, case.answers.get(question_id))
    return render_template(
        "teaching/what_if_question.html",
        kb=kb,
        source=source,
        number=number,
        question=item,
        current=case.answers.get(question_id),
        shown=shown,
        choice_items=[(c.id, kt("questions", item.id, f"choices.{c.id}"), None) for c in item.choices or []],
        check_items=[(c.id, kt("questions", item.id, f"choices.{c.id}"), c.exclusive) for c in item.choices or []],
        problem=problem,
        before=before,
        after=after,
        comparison=comparison,
        tried=after.answers.get(question_id) if after else None,
        routes=(headline(before).route, headline(after).route) if after else None,
    ), (400 if problem else 200)


# --- What would change this -------------------------------------------------------------------


@bp.route("/what-would-change")
@expensive
@with_source
def what_would_change_page(source: CaseSource) -> str:
    """The smallest sets of answer changes (one or two) that change a required, recommended or prohibited measure."""
    case = source.case
    kb = case.kb
    report = on_engine_thread(what_would_change, kb, case.answers, case.jurisdiction, case.reference)
    return render_template(
        "teaching/what_would_change.html",
        kb=kb,
        source=source,
        report=report,
        assessment=case.assess(),
        profile=kb.jurisdictions[case.jurisdiction],
    )


# --- Pathway map ------------------------------------------------------------------------------


def _map_structure(kb: KnowledgeBase):
    return cached("map_structure", compute=lambda: build_map(kb))


def _map_svg(kb: KnowledgeBase, decision_point: str | None) -> str | None:
    def link(kind: str, ident: str) -> str:
        if kind == "rule":
            return url_for("policy.rules") + f"#rule-{ident}"
        return url_for("teaching.pathway_map", point=ident)

    # Drawn in the page's language: its words, its font, and right to left in Arabic.
    return cached(
        "map_svg",
        decision_point,
        current_language(),
        compute=lambda: map_svg(kb, _map_structure(kb), decision_point, link),
    )


@bp.route("/map")
@bp.route("/map/<point>")
def pathway_map(point: str | None = None) -> str:
    """The whole decision structure, or one decision point and its neighbours; with a case's path if asked."""
    kb = knowledge()
    structure = _map_structure(kb)
    if point is not None and point not in kb.decision_points:
        raise PageError(
            404,
            gettext("There is no such decision point"),
            gettext(
                "The knowledge base has no decision point “%(id)s”. Decision points: %(known)s.",
                id=point[:40],
                known=", ".join(kb.decision_points),
            ),
        )
    source = None
    overlay_asked = request.args.get("overlay") == "case" or "scenario" in request.args
    if overlay_asked:
        source = current_source()
        if source is None:
            flash(gettext("There is no current case to draw on the map: start one, or open a scenario."), "notice")
    svg = _map_svg(kb, point)
    on_path: set[str] = set()
    if svg is not None and source is not None:
        on_path = path_ids(kb, structure, source.case.assess())
        svg = overlay(svg, structure, on_path)
    points = [
        dp
        for dp in sorted(kb.decision_points.values(), key=lambda d: kb.point_order(d.id))
        if structure.in_point(dp.id) or any(q.decision_point == dp.id for q in kb.questions.values())
    ]
    nodes = sorted(structure.in_point(point), key=lambda n: n.id) if point else []
    return render_template(
        "teaching/map.html",
        kb=kb,
        point=kb.decision_points[point] if point else None,
        points=points,
        structure=structure,
        nodes=nodes,
        # Graphviz writes the SVG and XML-escapes every label; the overlay only adds a class name.
        svg=Markup(svg) if svg else None,  # noqa: S704
        source=source,
        on_path=on_path,
        left_out=[gettext(words) for words in LEFT_OUT],
    )

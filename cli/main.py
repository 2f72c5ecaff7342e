"""`pathway`: the command line, a thin layer over the session API.

pathway check                      validate knowledge/ and list every problem; translation coverage
pathway translations [LANG]        what is translated; stubs for what is missing; fill in source hashes
pathway assess CASE [--json]       explained recommendation for a case file
pathway tree CASE [--svg FILE]     the case's decision tree as text, and as SVG (as on the web page)
pathway bench-card CASE [--hearing H]   the bench card of the case's hearing, as text
pathway interview                  ask only the questions that matter, one at a time
pathway batch CASES [--compare ID] [--set p=v]   many case files at once, or under two laws
pathway bench                      benchmark figures (see docs/performance.md)
pathway serve                      the web app (main job)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click
import yaml

from engine.analysis import interface_translations
from engine.cases.case_file import LifeDates, ParsedCase, case_data, check_case_data, read_case_file, reference_from
from engine.errors import CaseFileError, KnowledgeError
from engine.i18n import LANGUAGES, _, default_language, reset_language, set_language
from engine.load.answers import AnswerValueError, allowed_text, parse_answer
from engine.load.knowledge_base import KnowledgeBase
from engine.load.loader import load_knowledge, read_knowledge
from engine.load.model import INTERNATIONAL_PROFILE, Question
from engine.load.profiles import read_profile_file, with_profile
from engine.render import bench_card as bench_cards
from engine.render import decision_tree
from engine.render.ages_text import ages_lines, case_ages_summary
from engine.render.report import DISCLAIMER, to_data, to_text
from engine.render.texts import Texts
from engine.run.session import (
    UnknownHearingError,
    UnknownJurisdictionError,
    assess_typed,
    hearing_for,
    program_for,
    reference_moment,
    weigh_disputes,
)

SERVE_BODY_LIMIT = 16 * 2**20  # the largest request body `pathway serve` reads (in memory) to answer with a page
EXIT_BAD_INPUT = 2
knowledge_option = click.option(
    "--knowledge",
    "knowledge_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_("Knowledge folder (default: the built-in one)."),
)


def _load(knowledge_dir: Path | None) -> KnowledgeBase:
    try:
        return load_knowledge(knowledge_dir)
    except KnowledgeError as err:
        click.echo(
            _("The knowledge base has {n} problem(s); nothing can be assessed until they are fixed:").format(
                n=len(err.problems)
            ),
            err=True,
        )
        for problem in err.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)


@click.group()
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help=_("Language of the output: {languages} (default: PATHWAY_LANG, else English).").format(
        languages=", ".join(LANGUAGES)
    ),
)
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """Justice Pathway: decision support for children associated with terrorist and violent extremist groups.

    The help texts follow PATHWAY_LANG (they are read before the options); --lang sets the language
    of everything a command prints."""
    token = set_language(lang or default_language())
    ctx.call_on_close(lambda: reset_language(token))  # a run in the same process (tests) starts afresh


@main.command()
@knowledge_option
def check(knowledge_dir: Path | None) -> None:
    """Validate the knowledge base and print every problem in one pass."""
    kb, problems = read_knowledge(knowledge_dir)
    problems = [*problems, *_interface_translation_problems()]
    if problems:
        click.echo(_("{n} problem(s) found:").format(n=len(problems)))
        for problem in problems:
            click.echo(f"  {problem}")
        sys.exit(1)
    click.echo(
        _(
            "Knowledge base OK (version {v}): {r} rules, {q} questions, {m} measures, {s} sources, {j} jurisdictions, {sc} scenarios."
        ).format(
            v=kb.version,
            r=len(kb.rules),
            q=len(kb.questions),
            m=len(kb.measures),
            s=len(kb.sources),
            j=len(kb.jurisdictions),
            sc=len(kb.scenarios),
        )
    )
    _translation_report(kb)


def _translation_report(kb: KnowledgeBase) -> None:
    """Coverage of the knowledge texts per language, and the outdated translations (warnings only:
    the English is shown in their place until they are brought up to date)."""
    from engine.analysis.translation_status import coverage_lines

    translations = kb.translations
    languages = translations.languages
    if not languages:
        click.echo(_("Knowledge texts: English only (no translations in knowledge/translations/)."))
        return
    click.echo(_("Knowledge texts translated (texts with a current translation / English texts, per kind):"))
    for line in coverage_lines(translations, languages):
        click.echo("  " + line)
    outdated = translations.outdated_problems()
    if outdated:
        click.echo(
            _("Warning: {n} outdated translation(s); the English is shown in their place:").format(n=len(outdated))
        )
        for problem in outdated:
            click.echo(f"  {problem}")


@main.command()
@click.argument("lang", required=False)
@click.option(
    "--stubs",
    "kind_stubs",
    default=None,
    metavar="KIND",
    help=_("Print YAML stubs of the entries of KIND not yet translated in LANG."),
)
@click.option(
    "--hash",
    "hash_kind",
    default=None,
    metavar="KIND",
    help=_("Write source_hash into LANG's KIND file where it is missing."),
)
@click.option(
    "--accept",
    multiple=True,
    metavar="ID",
    help=_("With --hash: also re-hash these outdated entries (once their text is up to date)."),
)
@knowledge_option
def translations(
    lang: str | None, kind_stubs: str | None, hash_kind: str | None, accept: tuple[str, ...], knowledge_dir: Path | None
) -> None:
    """The translations of the knowledge texts: coverage, what is missing, source hashes."""
    from engine.analysis.translation_status import fill_hashes, missing, stubs
    from engine.load.translations import KINDS

    for kind in (kind_stubs, hash_kind):
        if kind is not None and kind not in KINDS:
            raise click.BadParameter(_("unknown kind '{k}' (kinds: {all})").format(k=kind, all=", ".join(KINDS)))
    if (kind_stubs or hash_kind) and not lang:
        raise click.UsageError(_("give the language, e.g. `pathway translations fr --stubs questions`"))
    if hash_kind:
        kb, _problems = read_knowledge(knowledge_dir)  # the file being hashed may not load yet
        path = kb.root / "translations" / lang / f"{hash_kind}.yaml"
        try:
            changed = fill_hashes(kb, lang, hash_kind, path, set(accept))
        except (OSError, ValueError) as err:
            click.echo(str(err), err=True)
            sys.exit(EXIT_BAD_INPUT)
        click.echo(
            _("{n} source hash(es) written in {path}: {ids}").format(
                n=len(changed), path=path, ids=", ".join(changed) or "-"
            )
        )
        return
    kb = _load(knowledge_dir)
    if kind_stubs:
        click.echo(stubs(kb, lang, kind_stubs), nl=False)
        return
    _translation_report(kb)
    if lang:
        for kind in KINDS:
            ids = missing(kb, lang, kind)
            if ids:
                click.echo(
                    _("{lang} {kind}: {n} not translated: {ids}").format(
                        lang=lang, kind=kind, n=len(ids), ids=", ".join(ids)
                    )
                )


def _interface_translation_problems() -> list[str]:
    """Print each language's coverage of the interface's words; what is missing or mistranslated is a problem."""
    problems = []
    for report in interface_translations.coverage():
        click.echo(
            _("Interface translation {lang}: {percent:.1f} % ({done} of {total} messages).").format(
                lang=report.language, percent=report.percent, done=report.translated, total=report.total
            )
        )
        catalogue = f"engine/locale/{report.language}/LC_MESSAGES/messages.po"
        problems += [
            _("{file}: {message!r} is not translated (`make translations`, then translate it)").format(
                file=catalogue, message=message
            )
            for message in report.missing
        ]
        problems += [
            _("{file}: the translation of {message!r} changes its placeholders").format(file=catalogue, message=message)
            for message in report.placeholders
        ]
    return problems


def _read_case(
    kb: KnowledgeBase, case: Path, jurisdiction: str | None, reference: dt.datetime | None = None
) -> ParsedCase:
    """The case file, or every problem with it on standard error and exit status 2."""
    try:
        return read_case_file(kb, case, jurisdiction, reference)
    except CaseFileError as err:
        click.echo(_("The case file cannot be assessed:"), err=True)
        for problem in err.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.option("--jurisdiction", default=None, help=_("Jurisdiction profile id (overrides the case file)."))
@click.option(
    "--date",
    "reference",
    metavar="now|YYYY-MM-DD[THH:MM]",
    callback=lambda ctx, param, value: _reference_option(ctx, param, value, allow_now=True),
    default=None,
    help=_(
        "Assess the case at this moment instead of the file's reference date: 'now' (a case resumed as "
        "it moves on) or a date, or date and time, between 1990 and 2100."
    ),
)
@click.option(
    "--ics",
    "ics_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=_("Also write the open deadlines to this calendar file (.ics; the case reference only, no answer)."),
)
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=_("Assess under the jurisdiction profile in this file (it may extend a profile of the knowledge base)."),
)
@knowledge_option
def assess(
    case: Path,
    as_json: bool,
    jurisdiction: str | None,
    reference: dt.datetime | None,
    ics_file: Path | None,
    profile_file: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Explained recommendation for a case file (answers keyed by question id; YAML or JSON)."""
    kb = _load(knowledge_dir)
    if profile_file is not None:
        try:
            profile = read_profile_file(kb, profile_file)
        except KnowledgeError as err:
            click.echo(_("The profile cannot be used:"), err=True)
            for problem in err.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        kb, jurisdiction = with_profile(kb, profile), profile.id
    parsed = _read_case(kb, case, jurisdiction, reference)
    kb = parsed.knowledge(kb)  # with the profile the case file carries, if any
    if ics_file is not None and (why := _why_not_writable(ics_file)) is not None:
        click.echo(_("The calendar cannot be written to {path}: {why}.").format(path=ics_file, why=why), err=True)
        sys.exit(EXIT_BAD_INPUT)
    result = assess_typed(
        kb,
        parsed.answers,
        parsed.jurisdiction,
        parsed.reference,
        "experta",
        parsed.hearing,
        parsed.conduct_date,
        parsed.events,
    )
    if ics_file is not None:
        from engine.render.calendar_file import deadlines_ics

        try:
            ics_file.write_bytes(deadlines_ics(result, parsed.record.case_reference))
        except OSError as err:
            click.echo(
                _("The calendar cannot be written to {path}: {why}.").format(path=ics_file, why=err.strerror),
                err=True,
            )
            sys.exit(EXIT_BAD_INPUT)
        click.echo(_("Open deadlines written to {path}.").format(path=ics_file), err=True)
    if parsed.saved_reference is not None:
        click.echo(
            _("Saved for {saved}; assessed at {now}.").format(
                saved=parsed.saved_reference.strftime("%Y-%m-%d %H:%M"), now=parsed.reference.strftime("%Y-%m-%d %H:%M")
            ),
            err=True,
        )
    weighed = weigh_disputes(
        kb, parsed.answers, parsed.disputes, parsed.jurisdiction, parsed.reference, parsed.hearing, result
    )
    ages = case_ages_summary(kb, parsed.jurisdiction, parsed.reference, parsed.life and parsed.life.ages)
    if as_json:
        click.echo(json.dumps(to_data(result, disputes=weighed, ages=ages), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(to_text(result, kb))
        if lines := ages_lines(ages):
            click.echo("\n".join(["", *lines]))
        if weighed is not None:
            click.echo("\n".join(bench_cards.disputes_text(weighed)))


@main.command()
@click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--svg",
    "svg_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=_("Also write the tree as one SVG diagram to this file (needs Graphviz's dot)."),
)
@click.option("--jurisdiction", default=None, help=_("Jurisdiction profile id (overrides the case file)."))
@knowledge_option
def tree(case: Path, svg_file: Path | None, jurisdiction: str | None, knowledge_dir: Path | None) -> None:
    """The case's decision tree: its path from the top, the branches not taken one line each, the outcome.

    Exit status 2 for a case file that cannot be assessed or an SVG file that cannot be written,
    1 when Graphviz is missing or fails (the text tree is printed all the same)."""
    kb = _load(knowledge_dir)
    parsed = _read_case(kb, case, jurisdiction)
    kb = parsed.knowledge(kb)  # with the profile the case file carries, if any
    if svg_file is not None and (why := _why_not_writable(svg_file)) is not None:
        click.echo(_("The SVG cannot be written to {path}: {why}.").format(path=svg_file, why=why), err=True)
        sys.exit(EXIT_BAD_INPUT)
    result = assess_typed(kb, parsed.answers, parsed.jurisdiction, parsed.reference, "experta", parsed.hearing)
    found = decision_tree.build_tree(kb, result)
    click.echo(decision_tree.to_text(found))
    if svg_file is None:
        return
    svg = decision_tree.render_svg(found)
    if svg is None:
        click.echo(
            _("The SVG was not written: Graphviz (the dot program) failed.")
            if decision_tree.dot_installed()
            else _("The SVG was not written: Graphviz (the dot program) is not installed."),
            err=True,
        )
        sys.exit(1)
    try:
        svg_file.write_text(svg, encoding="utf-8")
    except OSError as err:
        click.echo(_("The SVG cannot be written to {path}: {why}.").format(path=svg_file, why=err.strerror), err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(_("Diagram written to {path}.").format(path=svg_file), err=True)


@main.command("bench-card")
@click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hearing", default=None, help=_("Hearing id (overrides the case file's), e.g. detention_hearing."))
@click.option("--jurisdiction", default=None, help=_("Jurisdiction profile id (overrides the case file)."))
@knowledge_option
def bench_card(case: Path, hearing: str | None, jurisdiction: str | None, knowledge_dir: Path | None) -> None:
    """The bench card of the case's hearing as text: the test condition by condition, the time limits,
    what is prohibited, the child-friendly procedure and the sources (the web app prints it as a PDF)."""
    kb = _load(knowledge_dir)
    parsed = _read_case(kb, case, jurisdiction)
    kb = parsed.knowledge(kb)  # with the profile the case file carries, if any
    hearing = hearing or parsed.hearing
    if hearing is not None and hearing not in kb.hearings:
        known = ", ".join(kb.hearings)
        click.echo(_("Unknown hearing '{hearing}' (known: {known}).").format(hearing=hearing, known=known), err=True)
        sys.exit(EXIT_BAD_INPUT)
    result = assess_typed(kb, parsed.answers, parsed.jurisdiction, parsed.reference, "experta", hearing)
    weighed = weigh_disputes(
        kb, parsed.answers, parsed.disputes, parsed.jurisdiction, parsed.reference, hearing, result
    )
    click.echo(bench_cards.to_text(bench_cards.bench_card(result, weighed)), nl=False)


def _describe(question: Question, number: int, texts: Texts) -> list[str]:
    """A question as the interview prints it, its texts in the current language (English where not translated)."""
    lines = ["", f"{number}. [{question.decision_point}] {texts('questions', question.id, 'text')}"]
    if question.help:
        lines.append("   " + " ".join(texts("questions", question.id, "help").split()))
    if question.type in ("choice", "multi_choice"):
        labels = texts.choice_labels(question) or {c.id: c.label for c in question.choices}
        lines += [f"   {i}) {labels[c.id]}  [{c.id}]" for i, c in enumerate(question.choices, 1)]
        if question.type == "multi_choice":
            lines.append("   " + _("Several answers: numbers or ids separated by commas; 'none' for none."))
    lines.append(
        "   "
        + _("Answer: {allowed}. '?' why this is asked, 'b' back, 'q' stop.").format(allowed=allowed_text(question))
    )
    return lines


def _raw_from_input(question: Question, text: str):
    """Accept choice numbers as well as ids."""
    if question.type == "choice" and text.isdigit() and 1 <= int(text) <= len(question.choices):
        return question.choices[int(text) - 1].id
    if question.type == "multi_choice":
        if text.lower() == "none":
            return []
        parts = [p.strip() for p in text.split(",") if p.strip()]
        return [
            question.choices[int(p) - 1].id if p.isdigit() and 1 <= int(p) <= len(question.choices) else p
            for p in parts
        ]
    return text


def _reference_option(
    ctx: click.Context, param: click.Parameter, value: str | None, allow_now: bool = False
) -> dt.datetime | None:
    """`--date`, read as a case file's `reference_date` is, so that a saved interview means the same."""
    if value is None:
        return None
    if allow_now and value.strip().lower() == "now":
        return reference_moment(None)
    try:
        return reference_from(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _why_not_writable(path: Path) -> str | None:
    """Why the case file cannot be saved at `path`, found without creating or truncating anything
    (so that nobody answers a whole interview for nothing); None if it can be. A folder as `path`
    is refused by click already."""
    folder = path.parent
    try:
        if not folder.exists():
            return _("the folder {folder} does not exist").format(folder=folder)
        if not folder.is_dir():
            return _("{folder} is not a folder").format(folder=folder)
        if path.exists():
            return None if os.access(path, os.W_OK) else _("the file cannot be written (no permission)")
        return (
            None
            if os.access(folder, os.W_OK | os.X_OK)
            else _("no file can be created in {folder}").format(folder=folder)
        )
    except OSError as err:  # a folder on the way that may not be looked into
        return err.strerror or str(err)


@main.command()
@click.option("--jurisdiction", default=INTERNATIONAL_PROFILE, show_default=True, help=_("Jurisdiction profile id."))
@click.option(
    "--date",
    "reference",
    metavar="YYYY-MM-DD[THH:MM]",
    callback=_reference_option,
    default=None,
    help=_(
        "Reference date, or date and time, between 1990 and 2100 (default: now); "
        "a date without a time means noon (12:00) that day."
    ),
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=_("Write the answers to this case file at the end."),
)
@click.option(
    "--hearing",
    default=None,
    help=_(
        "The decision you are preparing (e.g. detention_hearing; see knowledge/hearings.yaml); default: the whole pathway."
    ),
)
@click.option(
    "--date-of-birth",
    "date_of_birth",
    default=None,
    metavar="YYYY-MM-DD",
    help=_("The date of birth: the ages at each act and today are computed, not asked."),
)
@click.option(
    "--act",
    "acts",
    multiple=True,
    metavar="YYYY-MM-DD:CATEGORY",
    help=_("An alleged act, its date and conduct category (e.g. 2026-03-01:travel); repeat for each act."),
)
@knowledge_option
def interview(
    jurisdiction: str,
    reference: dt.datetime | None,
    save: Path | None,
    hearing: str | None,
    date_of_birth: str | None,
    acts: tuple[str, ...],
    knowledge_dir: Path | None,
) -> None:
    """Ask only the questions that matter for the decision at hand, one at a time, then explain the recommendation."""
    kb = _load(knowledge_dir)
    try:
        program_for(kb, jurisdiction)
        hearing_for(kb, hearing)
    except (UnknownJurisdictionError, UnknownHearingError) as err:
        click.echo(str(err), err=True)
        sys.exit(EXIT_BAD_INPUT)
    unwritable = _why_not_writable(save) if save is not None else None
    if unwritable is not None:
        click.echo(
            _("Cannot save the answers to {path}: {reason}. Give another --save path.").format(
                path=save, reason=unwritable
            ),
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    now = reference_moment(reference)
    life = _life_dates(kb, jurisdiction, date_of_birth, acts, now)
    click.echo(_(DISCLAIMER))
    answers: dict = {} if life is None else dict(life.ages.answers)  # the ages the dates give: not asked
    conduct = None if life is None else life.ages.conduct_date
    if life is not None:
        click.echo("\n".join(ages_lines(case_ages_summary(kb, jurisdiction, now, life.ages))))
    order: list[str] = []
    while True:
        result = assess_typed(kb, answers, jurisdiction, now, hearing=hearing, conduct_date=conduct)
        upcoming = result.next_question
        if upcoming is None:
            break
        question = upcoming.question
        click.echo("\n".join(_describe(question, len(order) + 1, Texts(kb))))
        line = sys.stdin.readline()
        if not line:  # end of input: stop, keeping what was answered
            click.echo(_("\nInput ended; the result below is provisional."))
            break
        text = line.strip()
        if text == "?":
            click.echo(_("   Asked because these rules are waiting on the answer:"))
            for rule_id in upcoming.waiting_rules:
                rule = kb.rules[rule_id]
                click.echo(f"   - {rule_id} [{rule.spec.decision_point}] {Texts(kb)('rules', rule_id, 'title')}")
            continue
        if text.lower() == "b":
            if order:
                answers.pop(order.pop())
            continue
        if text.lower() == "q":
            break
        try:
            answers[question.id] = parse_answer(question, _raw_from_input(question, text), now)
        except (AnswerValueError, IndexError) as err:
            message = str(err.error) if isinstance(err, AnswerValueError) else _("no such choice number")
            click.echo("   " + _("Not accepted: {message} Please answer again.").format(message=message))
            continue
        order.append(question.id)
    result = assess_typed(kb, answers, jurisdiction, now, "experta", hearing, conduct_date=conduct)
    click.echo("")
    click.echo(to_text(result, kb))
    if save is not None:
        text = yaml.safe_dump(
            case_data(answers, jurisdiction, now, kb.version, hearing, life=life), sort_keys=False, allow_unicode=True
        )
        try:
            save.write_text(text, encoding="utf-8")
        except OSError as err:  # checked at the start, but a disk can fill up or a folder go away since
            click.echo(
                _("The answers could not be written to {path}: {reason}. The case file follows; keep a copy:").format(
                    path=save, reason=err.strerror or err
                ),
                err=True,
            )
            click.echo(text, nl=False)
            sys.exit(1)
        click.echo(_("Answers written to {path}.").format(path=save))


def _life_dates(
    kb: KnowledgeBase, jurisdiction: str, date_of_birth: str | None, acts: tuple[str, ...], now: dt.datetime
) -> LifeDates | None:
    """The dates given on the command line, checked as a case file's are (each problem named by
    its option; exit 2)."""
    if date_of_birth is None and not acts:
        return None
    data: dict = {"jurisdiction": jurisdiction, "answers": {}}
    if date_of_birth is not None:
        data["date_of_birth"] = date_of_birth
    if acts:
        data["acts"] = [dict(zip(("date", "conduct_category"), act.split(":", 1), strict=False)) for act in acts]
    try:
        return check_case_data(kb, data, "--date-of-birth/--act", reference=now).life
    except CaseFileError as err:
        for problem in err.problems:
            click.echo(
                _("Not accepted: {field}: {message}").format(field=problem.field, message=problem.message), err=True
            )
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@knowledge_option
def rules(knowledge_dir: Path | None) -> None:
    """Print the rule catalogue (Markdown): every rule in plain words next to its sources."""
    from engine.render.catalogue import catalogue_markdown

    click.echo(catalogue_markdown(_load(knowledge_dir)))


@main.command()
@click.option("--samples", default=500, show_default=True, help=_("Generated interviews per profile for the search."))
@knowledge_option
def audit(samples: int, knowledge_dir: Path | None) -> None:
    """Audit the knowledge base: unreachable rules and questions, conflicts, unverified sources."""
    from engine.analysis.audit import audit as run_audit
    from engine.analysis.audit import format_report

    report = run_audit(_load(knowledge_dir), samples=samples)
    click.echo(format_report(report))
    if report.errors:
        sys.exit(1)


@main.command()
@click.argument("jurisdiction")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=_("Compare the law in force on this date (YYYY-MM-DD; default: today)."),
)
@knowledge_option
def gaps(jurisdiction: str, day: dt.datetime | None, knowledge_dir: Path | None) -> None:
    """Where a national profile differs from the international reference on a date, the rules
    affected, and the dated changes of the profile."""
    from engine.analysis.gaps import dated_changes, gap_report

    kb = _load(knowledge_dir)
    if jurisdiction not in kb.jurisdictions:
        click.echo(
            _("unknown jurisdiction '{j}' (known: {k})").format(j=jurisdiction, k=", ".join(sorted(kb.jurisdictions))),
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    on = day.date() if day is not None else dt.date.today()
    click.echo(_("The law in force on {date}:").format(date=on.isoformat()))
    for gap in gap_report(kb, jurisdiction, on):
        mark = _("FALLS SHORT") if gap.falls_short else _("differs")
        click.echo(
            f"{mark}: {gap.title} ({gap.parameter}): "
            + _("national {n}, international {i}").format(n=gap.national, i=gap.international)
        )
        if gap.version is not None:
            click.echo(
                "    "
                + _("version compared: in force from {since} ({source})").format(
                    since=gap.version.from_.isoformat(), source=gap.version.source
                )
            )
        click.echo("    " + _("rules affected: {r}").format(r=", ".join(gap.rules) or "-"))
        click.echo("    " + _("sources: {s}").format(s="; ".join(f"{v.id} {v.pinpoint}" for v in gap.sources)))
    changes = dated_changes(kb, jurisdiction)
    if changes:
        click.echo("\n" + _("Dated changes of the profile:"))
    for change in changes:
        click.echo(f"{change.title} ({change.parameter}):")
        for period, last in change.periods:
            if last is None:
                line = _("{value} since {since} ({source})")
            else:
                line = _("{value} from {since} until {until} ({source})")
            click.echo(
                "    "
                + line.format(value=period.value, since=period.from_.isoformat(), until=last, source=period.source)
            )


@main.command()
@click.option("--max-median", type=int, default=None, help=_("Exit with status 1 if the median is above this."))
@knowledge_option
def journeys(max_median: int | None, knowledge_dir: Path | None) -> None:
    """Questions asked in each vignette's journey, for the decision it is about, and the median."""
    from engine.analysis.journeys import median_asked, vignette_journeys

    found = vignette_journeys(_load(knowledge_dir))
    for journey in found:
        count = len(journey.asked) + (journey.missing is not None)
        line = f"{journey.vignette:4} {journey.hearing or 'whole_pathway':26} {count:3}  {journey.scenario[:70]}"
        click.echo(
            line
            + (_("  (stopped: the scenario does not answer {q})").format(q=journey.missing) if journey.missing else "")
        )
    median = median_asked(found)
    click.echo(_("Median: {m:g} questions over {n} vignette journeys.").format(m=median, n=len(found)))
    if max_median is not None and median > max_median:
        click.echo(_("The median is above {limit}.").format(limit=max_median), err=True)
        sys.exit(1)


@main.command()
@knowledge_option
def coverage(knowledge_dir: Path | None) -> None:
    """Which scenarios exercise which rules; rules without a scenario are listed."""
    from engine.render.catalogue import scenario_coverage

    kb = _load(knowledge_dir)
    covered = scenario_coverage(kb)
    for rule_id, names in covered.items():
        click.echo(f"{rule_id:12} {len(names):3} " + _("scenario(s)"))
    missing = [rule_id for rule_id, names in covered.items() if not names]
    click.echo(_("{c} of {n} rules are exercised by a scenario.").format(c=len(covered) - len(missing), n=len(covered)))
    if missing:
        click.echo(_("Without a scenario: {m}").format(m=", ".join(missing)))


@main.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--cases",
    "case_dir",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help=_("Replay these case files (folder or file) under both."),
)
@click.option("--jurisdiction", default=None)
def diff(old: str, new: str, case_dir: Path | None, jurisdiction: str | None) -> None:
    """Compare two knowledge versions (folders or git revisions) and replay cases under both."""
    from engine.analysis.knowledge_diff import RevisionError, diff_knowledge, load_version, replay

    try:
        old_kb, old_tmp = load_version(old)
        new_kb, new_tmp = load_version(new)
    except (RevisionError, KnowledgeError) as err:
        click.echo(str(err), err=True)
        sys.exit(EXIT_BAD_INPUT)
    changes = diff_knowledge(old_kb, new_kb)
    for change in changes:
        click.echo(f"{change.change:8} {change.kind[:-1]:12} {change.id}")
    click.echo(_("{n} change(s) between {a} and {b}.").format(n=len(changes), a=old_kb.version, b=new_kb.version))
    if case_dir is not None:
        files = (
            sorted(p for p in case_dir.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
            if case_dir.is_dir()
            else [case_dir]
        )
        changed = replay(old_kb, new_kb, files, jurisdiction)
        for case in changed:
            if case.error:
                click.echo(f"  {case.case}: " + _("cannot be replayed: {e}").format(e=case.error))
            else:
                click.echo(f"  {case.case}: +{case.added} -{case.removed}")
        click.echo(_("{c} of {n} case(s) change.").format(c=len(changed), n=len(files)))
    for holder in (old_tmp, new_tmp):
        if holder is not None:
            holder.cleanup()


@main.command()
@click.option("--cases", default=1000, show_default=True, help=_("Generated cases per path."))
@click.option("--jurisdiction", default=INTERNATIONAL_PROFILE, show_default=True)
@click.option("--growth/--no-growth", default=True, show_default=True, help=_("Also time x2 and x4 rule bases."))
@click.option("--workers", type=int, default=None, help=_("Batch worker processes (default: one per core)."))
@click.option("--lang", default="en", show_default=True, help=_("Language the pages are asked in (Accept-Language)."))
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=_("Also write the figures as JSON.")
)
@knowledge_option
def bench(
    cases: int,
    jurisdiction: str,
    growth: bool,
    workers: int | None,
    lang: str,
    out: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Print benchmark figures (min / median / p95 per case, ratio to direct evaluation)."""
    from cli.benchmark import format_figures, run_benchmark, write_figures

    figures = run_benchmark(_load(knowledge_dir), cases, jurisdiction, growth=growth, workers=workers, lang=lang)
    click.echo(format_figures(figures))
    if out is not None:
        write_figures(figures, out)


@main.command()
@click.argument("cases", type=click.Path(exists=True, path_type=Path))
@click.option("--jurisdiction", default=None, help=_("Profile for every case (default: each case file's own)."))
@click.option("--compare", "compare_with", default=None, help=_("Also assess every case under this profile (B)."))
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="PARAM=VALUE",
    help=_("Parameter override for B, e.g. --set macr=14 (repeatable); compares with the profile as it is."),
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=_("Results (JSONL)."))
@click.option("--workers", type=int, default=None, help=_("Worker processes (default: one per core)."))
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["compiled", "experta"]),
    default="compiled",
    show_default=True,
    help=_(
        "compiled: the compiled evaluator (equal to experta by the differential test); experta: the engine of record."
    ),
)
@knowledge_option
def batch(
    cases: Path,
    jurisdiction: str | None,
    compare_with: str | None,
    settings: tuple[str, ...],
    out: Path | None,
    workers: int | None,
    engine_name: str,
    knowledge_dir: Path | None,
) -> None:
    """Assess many cases: a folder of YAML/JSON case files, one case file, or a JSONL file (one case a line)."""
    from engine.cases.batch import LawVariant, format_summary, parse_overrides, run_batch
    from engine.cases.batch_input import BatchInputError, collect

    kb = _load(knowledge_dir)
    try:
        for profile in (jurisdiction, compare_with):
            if profile is not None and profile not in kb.jurisdictions:
                raise BatchInputError(
                    f"unknown jurisdiction '{profile}' (known: {', '.join(sorted(kb.jurisdictions))})"
                )
        overrides = parse_overrides(kb, list(settings))
        units = collect(cases)
    except BatchInputError as err:
        click.echo(str(err), err=True)
        sys.exit(EXIT_BAD_INPUT)
    scenarios = [LawVariant(jurisdiction)]
    if compare_with is not None or overrides:
        scenarios.append(LawVariant(compare_with or jurisdiction, tuple(sorted(overrides.items()))))
    stream = out.open("wb") if out is not None else None
    try:
        with click.progressbar(length=sum(u.size for u in units), label=_("Assessing"), file=sys.stderr) as bar:
            summary = run_batch(
                kb,
                units,
                scenarios,
                workers=workers,
                engine=engine_name,
                knowledge_dir=knowledge_dir,
                write=stream.write if stream is not None else None,
                progress=bar.update,
            )
    finally:
        if stream is not None:
            stream.close()
    click.echo(format_summary(kb, summary))
    if out is not None:
        click.echo(_("Results written to {path}.").format(path=out))
    if summary.errors:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help=_("Worker threads of the server."))
@knowledge_option
def serve(host: str, port: int, threads: int, knowledge_dir: Path | None) -> None:
    """Start the web app on its embedded defaults, under waitress (a production server that also runs on Windows).

    One process: if no secret key is set (PATHWAY_SECRET_KEY), it makes one for itself, so cases
    end when the server stops."""
    import secrets

    import waitress

    from web import ConfigError, create_app  # imported here: the other commands need no web stack

    config = {"KNOWLEDGE_DIR": str(knowledge_dir) if knowledge_dir else None}
    if not (os.environ.get("PATHWAY_SECRET_KEY") or os.environ.get("SECRET_KEY")):
        config["SECRET_KEY"] = secrets.token_hex(32)
    try:
        app = create_app(config)
    except KnowledgeError as err:  # refuse to start, listing every problem (never a traceback)
        click.echo(
            _("The web app cannot start: the knowledge base has {n} problem(s):").format(n=len(err.problems)), err=True
        )
        for problem in err.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    except ConfigError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(_("Justice Pathway is running at http://{host}:{port}/ (Ctrl+C to stop).").format(host=host, port=port))
    # waitress reads a whole request body before the app sees it and spools what is over
    # inbuf_overflow, and a response over outbuf_overflow, to a temporary file. It refuses a body
    # over max_request_body_size itself, closing the connection (the browser may see a reset):
    # so it takes up to 16 MiB in memory (the app then shows its own 413 page), spools nothing
    # below twice that, and keeps pages (at most a few MB) in memory: no case data reaches the disk.
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=SERVE_BODY_LIMIT,
        inbuf_overflow=2 * SERVE_BODY_LIMIT,
        outbuf_overflow=64 * 2**20,
        outbuf_high_watermark=128 * 2**20,
        ident="justice-pathway",
    )


if __name__ == "__main__":
    main()

"""Translations of the knowledge texts: loaded by id and checked (unknown ids, outdated English, review
status), counted by `pathway check` (a real process), written with the source hash by
`pathway translations`, and shown on the pages in the page's language with English marked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.load.loader import read_knowledge
from engine.load.translations import english_texts, source_hash
from tests.client_journey import answer_each, asked_on, browser_client, token
from tests.conftest import small_copy_with
from web import create_app

PATHWAY = [sys.executable, "-c", "from cli import main; main()"]


def question_hash(root: Path, question_id: str) -> str:
    kb, _ = read_knowledge(root)
    return source_hash(english_texts(kb.questions[question_id], "questions"))


def write(root: Path, lang: str, kind: str, text: str) -> Path:
    path = root / "translations" / lang / f"{kind}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def french_conduct(root: Path, status: str = "unreviewed", hash_: str | None = None, extra: str = "") -> Path:
    """A French translation of the small knowledge base's choice question `conduct` (its second
    choice left untranslated)."""
    return write(
        root,
        "fr",
        "questions",
        "questions:\n"
        "  - id: conduct\n"
        f'    source_hash: "{hash_ or question_hash(root, "conduct")}"\n'
        f"    status: {status}\n"
        f"{extra}"
        '    text: "Quel comportement ?"\n'
        "    choices:\n"
        '      expression: "Expression d’opinions"\n',
    )


def problems_of(root: Path) -> list:
    return read_knowledge(root)[1]


def test_a_current_translation_is_looked_up_by_id_and_the_rest_falls_back(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    french_conduct(root)
    kb, problems = read_knowledge(root)
    assert problems == []
    found = kb.text("questions", "conduct", "text", "fr")
    assert (found.text, found.lang, found.status) == ("Quel comportement ?", "fr", "unreviewed")
    label = kb.text("questions", "conduct", "choices.violence", "fr")
    assert (label.text, label.lang, label.status) == ("Violence", "en", "missing")
    assert kb.text("questions", "admits_facts", "text", "fr").status == "missing"
    assert kb.text("questions", "conduct", "text", "en").status == "source"
    assert kb.translations.choice_labels(kb.questions["conduct"], "fr") == {
        "expression": "Expression d’opinions",
        "violence": "Violence",
    }


def test_an_unknown_id_is_a_problem_at_its_line(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    path = write(
        root,
        "fr",
        "questions",
        f'questions:\n  - id: condcut\n    source_hash: "{"0" * 12}"\n    status: unreviewed\n    text: "X"\n',
    )
    (problem,) = problems_of(root)
    assert (problem.file.endswith("translations/fr/questions.yaml"), problem.line, problem.entry) == (
        True,
        2,
        "condcut",
    )
    assert "unknown question id 'condcut'" in problem.message
    assert problem.suggestion == "conduct"
    assert str(path.name) in str(problem)


def test_an_unknown_choice_or_a_field_the_english_has_not_is_a_problem(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    french_conduct(root, extra='    help: "Aide"\n')
    problems = problems_of(root)
    assert [p.field for p in problems] == ["help"], problems
    assert "has no 'help'" in problems[0].message and problems[0].line == 5
    root2 = small_copy_with(tmp_path / "two")
    write(
        root2,
        "fr",
        "questions",
        f'questions:\n  - id: conduct\n    source_hash: "{question_hash(root2, "conduct")}"\n    status: unreviewed\n'
        '    choices:\n      violense: "Violence"\n',
    )
    (problem,) = problems_of(root2)
    assert (problem.field, problem.line) == ("choices.violense", 6)
    assert "no choice 'violense'" in problem.message


@pytest.mark.parametrize(
    ("status", "extra", "words"),
    [
        ("approved", "", "'approved' is not allowed here"),
        ("reviewed", "", "names its reviewer: add 'reviewed_by'"),
        ("unreviewed", "    reviewed_by: A. Translator\n", "'reviewed_by' is for a reviewed translation"),
    ],
)
def test_a_bad_review_status_is_a_problem(tmp_path: Path, status: str, extra: str, words: str) -> None:
    root = small_copy_with(tmp_path)
    french_conduct(root, status=status, extra=extra)
    (problem,) = problems_of(root)
    assert words in problem.message and problem.line in (2, 4), problem


def test_a_reviewed_translation_names_its_reviewer(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    french_conduct(root, status="reviewed", extra="    reviewed_by: A. Translator (2026-12-01)\n")
    kb, problems = read_knowledge(root)
    assert problems == [] and kb.text("questions", "conduct", "text", "fr").status == "reviewed"


def test_a_misplaced_translation_file_is_a_problem(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    write(root, "French", "questions", "questions: []\n")
    write(root, "fr", "question", "question: []\n")
    messages = [p.message for p in problems_of(root)]
    assert any("translations/<language code>/<kind>.yaml" in m for m in messages), messages
    assert any("unknown translation file" in m for m in messages), messages


def test_an_outdated_translation_is_reported_and_english_is_shown(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    french_conduct(root)
    questions = root / "questions" / "dp01.yaml"
    questions.write_text(questions.read_text().replace('text: "What conduct?"', 'text: "What conduct, exactly?"'))
    kb, problems = read_knowledge(root)
    assert problems == []  # outdated is a warning: the knowledge base still loads
    found = kb.text("questions", "conduct", "text", "fr")
    assert (found.text, found.lang, found.status) == ("What conduct, exactly?", "en", "outdated")
    (warning,) = kb.translations.outdated_problems()
    assert (warning.entry, warning.line) == ("conduct", 3) and "outdated fr translation" in warning.message
    assert kb.translations.coverage("fr")["questions"].outdated == 3  # the text of `conduct` and its two labels

    shown = subprocess.run([*PATHWAY, "check", "--knowledge", str(root)], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert "Warning: 1 outdated translation(s)" in shown.stdout
    assert "questions.yaml:3 [conduct] field 'source_hash': outdated fr translation" in shown.stdout


def test_pathway_check_reports_coverage_per_language_and_kind(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    french_conduct(root)
    write(
        root,
        "ar",
        "questions",
        f'questions:\n  - id: admits_facts\n    source_hash: "{question_hash(root, "admits_facts")}"\n'
        '    status: unreviewed\n    text: "هل يعترف الطفل بالوقائع؟"\n',
    )
    shown = subprocess.run([*PATHWAY, "check", "--knowledge", str(root)], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    rows = {line.split()[0]: line.split()[1:] for line in shown.stdout.splitlines()[2:] if line.startswith("  ")}
    header = next(line for line in shown.stdout.splitlines() if line.strip().startswith("ar"))
    assert header.split() == ["ar", "fr"]
    # Counted in texts: six in the small knowledge base (four questions, two choice labels); the
    # French gives the text of `conduct` and one of its labels, the Arabic the text of `admits_facts`.
    assert rows["questions"] == ["1/6", "(16%)", "2/6", "(33%)"]
    assert rows["all"][0].startswith("1/") and rows["all"][2].startswith("2/")


def test_pathway_translations_writes_the_source_hash_and_lists_what_is_missing(tmp_path: Path) -> None:
    root = small_copy_with(tmp_path)
    path = write(
        root,
        "fr",
        "questions",
        '# French\nquestions:\n  - id: admits_facts\n    status: unreviewed\n    text: "L’enfant reconnaît-il les faits ?"\n',
    )
    assert any("source_hash" in str(p) for p in problems_of(root))
    done = subprocess.run(
        [*PATHWAY, "translations", "fr", "--hash", "questions", "--knowledge", str(root)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text().splitlines()[:4] == [
        "# French",
        "questions:",
        "  - id: admits_facts",
        f'    source_hash: "{question_hash(root, "admits_facts")}"',
    ]
    kb, problems = read_knowledge(root)
    assert problems == [] and kb.text("questions", "admits_facts", "text", "fr").lang == "fr"
    listed = subprocess.run([*PATHWAY, "translations", "fr", "--knowledge", str(root)], capture_output=True, text=True)
    assert "fr questions: 3 not translated: age_at_conduct, conduct, arrest_datetime" in listed.stdout
    stubs = subprocess.run(
        [*PATHWAY, "translations", "fr", "--stubs", "questions", "--knowledge", str(root)],
        capture_output=True,
        text=True,
    )
    assert "  - id: conduct\n" in stubs.stdout and "    #   violence: Violence" in stubs.stdout


@pytest.fixture
def french_app(tmp_path: Path):
    root = small_copy_with(tmp_path)
    french_conduct(root)
    return create_app(
        {"KNOWLEDGE_DIR": str(root), "SECRET_KEY": "test-secret", "TESTING": True, "LANGUAGES": ["en", "fr"]}
    )


def question_page(app, language: str, question: str) -> str:
    """Start a case as a browser asking for `language` would, answer until `question` is asked, and open its page."""
    client = browser_client(app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    client.post("/", data={"csrf_token": token(client), "jurisdiction": "baseline", "reference_date": "2026-03-01"})
    answer_each(client, {q: a for q, a in {"age_at_conduct": "15", "admits_facts": "yes"}.items() if q != question})
    html = client.get(client.get("/next").headers["Location"]).get_data(as_text=True)
    assert asked_on(html) == question
    return html


def test_a_french_page_shows_the_french_question_and_marks_what_is_english(french_app) -> None:
    html = question_page(french_app, "fr", "conduct")
    heading = re.search(r'<h1 class="fieldset__heading">(.*?)</h1>', html, re.S).group(1)
    assert heading.startswith("Quel comportement ?")
    assert "traduction non encore relue" in heading  # the marker, in the page's language (engine/locale)
    labels = re.findall(r'<label class="radios__label" for="[^"]+">(.*?)</label>', html, re.S)
    assert labels[0] == "Expression d’opinions"
    assert (
        labels[1]
        == '<span lang="en">Violence</span> <span class="tag tag--grey kt-marker kt-marker--english">Anglais — pas encore de traduction</span>'
    )


def test_an_untranslated_question_is_shown_in_english_marked(french_app) -> None:
    html = question_page(french_app, "fr", "age_at_conduct")
    heading = re.search(r'<h1 class="fieldset__heading">(.*?)</h1>', html, re.S).group(1)
    assert (
        heading
        == '<span lang="en">Age at the conduct?</span> <span class="tag tag--grey kt-marker kt-marker--english">Anglais — pas encore de traduction</span>'
    )


def test_an_english_page_is_unchanged(french_app) -> None:
    html = question_page(french_app, "en", "conduct")
    heading = re.search(r'<h1 class="fieldset__heading">(.*?)</h1>', html, re.S).group(1)
    assert heading == "What conduct?" and "kt-marker" not in html


def test_the_report_the_json_and_the_tree_take_a_language(tmp_path: Path) -> None:
    """The engine's renders look the texts up in the language asked for; the JSON lists the texts
    given in English for want of a translation, and the English render is unchanged."""
    import datetime as dt

    from engine.load.answers import parse_answers
    from engine.render.decision_tree import build_tree
    from engine.render.report import to_data, to_text
    from engine.run.session import assess_typed

    root = small_copy_with(tmp_path)
    french_conduct(root)
    kb, _ = read_knowledge(root)
    write(
        root,
        "fr",
        "measures",
        "measures:\n  - id: no_criminal_proceedings\n"
        f'    source_hash: "{source_hash(english_texts(kb.measures["no_criminal_proceedings"], "measures"))}"\n'
        '    status: unreviewed\n    title: "Pas de poursuites pénales"\n',
    )
    kb, problems = read_knowledge(root)
    assert problems == []
    now = dt.datetime(2026, 3, 1, 12, 0)
    typed, errors = parse_answers(kb.questions, {"age_at_conduct": 10}, now)
    assert not errors
    assessment = assess_typed(kb, dict(typed), "baseline", now)

    data = to_data(assessment, "fr")
    titles = {m["id"]: m["title"] for m in data["measures"]}
    assert titles["no_criminal_proceedings"] == "Pas de poursuites pénales"
    assert titles["child_protection_referral"] == "Refer to child protection"
    assert "measures:child_protection_referral.title" in data["in_english"]
    assert "measures:no_criminal_proceedings.title" not in data["in_english"]
    assert data["language"] == "fr" and to_data(assessment)["in_english"] == []

    assert "  - Pas de poursuites pénales" in to_text(assessment, kb, "fr")
    assert "  - No criminal proceedings" in to_text(assessment, kb)

    def measure_labels(tree) -> set[str]:
        return {m.label for point in tree.children for m in point.measures()}

    assert "Pas de poursuites pénales" in measure_labels(build_tree(kb, assessment, "fr"))
    assert "No criminal proceedings" not in measure_labels(build_tree(kb, assessment, "fr"))
    assert "No criminal proceedings" in measure_labels(build_tree(kb, assessment))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_result_page_reads_in_its_language(language: str) -> None:
    """The real knowledge: a vignette loaded in the trainer and its result page asked in French or
    Arabic shows the route's headline from the translation files, the English that stands in for
    an explanation not yet translated marked as English, and a large tree drawn without error
    (a long status word in the page's language leaves the stage name a few characters)."""
    import yaml
    from markupsafe import escape

    from engine.load.translations import SOURCE_LANGUAGE

    app = create_app({"SECRET_KEY": "test-secret", "TESTING": True, "LANGUAGES": ["en", language]})
    kb = app.extensions["pathway_kb"]
    number = next(n for n, e in enumerate(kb.scenarios, 1) if e.scenario.vignette == "V8")
    client = browser_client(app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    loaded = client.post(f"/scenarios/{number}", data={"csrf_token": token(client, f"/scenarios/{number}")})
    assert loaded.status_code == 302
    page = client.get("/result")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    routes = yaml.safe_load((kb.root / "translations" / language / "routes.yaml").read_text(encoding="utf-8"))
    headline = re.search(r'<h1 class="heading-xl headline__route" id="headline-title">(.*?) <span', html, re.S)
    assert headline and headline.group(1) in {r["headline"] for r in routes["routes"]}
    # A rule of the case whose explanation has no translation yet is shown in English, marked so.
    from engine.cases.scenarios import run_scenario

    fired = [step.rule_id for step in run_scenario(kb, kb.scenarios[number - 1]).assessment.trace]
    english = [r for r in fired if kb.text("rules", r, "explanation", language).lang == SOURCE_LANGUAGE]
    assert english, "every explanation of this case is translated: pick a case with one that is not"
    start = str(escape(kb.rules[english[0]].spec.explanation[:40]))
    assert re.search(
        f'<span lang="en">{re.escape(start)}[^<]*</span> <span class="tag tag--grey kt-marker kt-marker--english">',
        html,
    )


def test_the_command_line_asks_and_explains_in_its_language(tmp_path: Path) -> None:
    """`pathway --lang fr interview` (a real process) asks the French question with its French choice
    labels, English where a label has no translation; without --lang it asks in English."""
    root = small_copy_with(tmp_path)
    french_conduct(root)
    asked = subprocess.run(
        [*PATHWAY, "--lang", "fr", "interview", "--knowledge", str(root), "--date", "2026-03-01"],
        input="15\nyes\n",
        capture_output=True,
        text=True,
    )
    assert "Quel comportement ?" in asked.stdout, asked.stdout + asked.stderr
    assert "1) Expression d’opinions  [expression]" in asked.stdout
    assert "2) Violence  [violence]" in asked.stdout
    english = subprocess.run(
        [*PATHWAY, "interview", "--knowledge", str(root), "--date", "2026-03-01"],
        input="15\nyes\n",
        capture_output=True,
        text=True,
    )
    assert "What conduct?" in english.stdout and "Quel comportement" not in english.stdout

"""The interface languages: the catalogues (every message translated, placeholders kept), the
language chosen on a page and remembered in the case cookie, Accept-Language as the default,
<html lang dir>, dates in the page's language, the CLI's --lang and the API's Accept-Language."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pytest
from click.testing import CliRunner

from cli import main
from engine.analysis import interface_translations
from engine.analysis.interface_translations import coverage, placeholders
from engine.i18n import LANGUAGES, translation

from .conftest import text_of

TRANSLATED = [language for language in LANGUAGES if language != "en"]
HTML = re.compile(r'<html lang="([^"]+)" dir="([^"]+)">')


def choose(user, language: str, back_to: str = "/") -> object:
    """Press a language's button on a page, as the switch in the header does."""
    return user.client.post("/language", data={"csrf_token": user.token("/"), "language": language, "back_to": back_to})


@pytest.mark.parametrize("report", coverage(), ids=lambda report: report.language)
def test_every_interface_message_is_translated_with_its_placeholders(report):
    assert report.missing == [], f"{report.language}: {len(report.missing)} messages without a translation"
    assert report.placeholders == [], f"{report.language}: placeholders changed in {report.placeholders}"
    assert report.total > 500 and report.percent == 100.0


def test_a_translation_that_drops_or_renames_a_placeholder_is_caught():
    keeps = interface_translations._keeps_placeholders
    assert keeps("Step %(number)d of %(count)d", ["Étape %(number)d sur %(count)d"])
    assert not keeps("Step %(number)d of %(count)d", ["Étape %(number)d"])
    assert not keeps("{n} problem(s) found:", ["{count} problème(s) :"])
    assert not keeps("Median: {m:g} questions", ["Médiane : {m} questions sur {x}"])
    # A plural form for one may leave the number out, never add another placeholder.
    assert keeps(
        ("The decision on the measure", "The decisions on the %(num)d measures"), ["La décision", "Les %(num)d"]
    )
    assert not keeps(("%(num)d day", "%(num)d days"), ["%(num)d jour", "%(count)d jours"])
    assert placeholders("{file}: {message!r} at %(line)d") == ["file", "line", "message"]


def test_the_catalogues_say_they_are_machine_made_and_unreviewed():
    for language in TRANSLATED:
        header = interface_translations.po_path(language).read_text(encoding="utf-8").split("msgid", 1)[0]
        assert "Machine translation" in header and "not yet reviewed" in header, language


def test_the_compiled_catalogues_are_the_ones_the_app_reads():
    assert translation("fr").gettext("Check your answers") == "Vérifiez vos réponses"
    assert translation("ar").gettext("Check your answers") == "تحقق من إجاباتك"
    assert translation("pt").gettext("Check your answers") == "Verifique as suas respostas"
    assert translation("id").gettext("Check your answers") == "Periksa jawaban Anda"


@pytest.mark.parametrize(
    ("accept", "lang", "direction"),
    [
        ("fr-FR,fr;q=0.9", "fr", "ltr"),
        ("ar", "ar", "rtl"),
        ("pt-BR", "pt", "ltr"),
        ("id", "id", "ltr"),
        ("de", "en", "ltr"),
    ],
)
def test_accept_language_is_the_default(client, accept, lang, direction):
    html = text_of(client.get("/", headers={"Accept-Language": accept}))
    assert HTML.search(html).groups() == (lang, direction)


def test_the_switch_on_every_page_names_each_language_in_itself(user):
    user.start()
    for path in ("/", "/step/1", "/check", "/result", "/record", "/resume", "/scenarios", "/policy", "/missing"):
        html = user.client.get(path).get_data(as_text=True)
        switch = re.search(r'<form class="language-switch".*?</form>', html, re.S)
        assert switch, path
        for code, name in (("fr", "Français"), ("ar", "العربية"), ("pt", "Português"), ("id", "Bahasa Indonesia")):
            assert f'value="{code}" lang="{code}">{name}<' in switch.group(0), (path, code)
        assert f'name="back_to" type="hidden" value="{path}"' in switch.group(0), path


def test_the_language_chosen_is_kept_for_the_case_over_accept_language(user):
    user.start()
    response = choose(user, "ar", back_to="/step/1")
    assert response.status_code == 303 and response.headers["Location"] == "/step/1"
    # The address says nothing of the case; the choice travels in the encrypted cookie.
    assert "ar" not in response.headers["Location"]
    html = text_of(user.client.get("/step/1", headers={"Accept-Language": "en"}))
    assert HTML.search(html).groups() == ("ar", "rtl")
    assert "مسار العدالة" in html
    choose(user, "pt", back_to="/check")
    assert HTML.search(text_of(user.client.get("/check", headers={"Accept-Language": "fr"}))).groups() == ("pt", "ltr")


def test_finish_and_clear_forgets_the_case_but_not_the_language(user):
    user.start()
    choose(user, "fr")
    user.client.post("/finish", data={"csrf_token": user.token("/")})
    html = text_of(user.client.get("/"))
    assert "Le dossier a été effacé de ce navigateur." in html
    assert HTML.search(html).groups() == ("fr", "ltr")
    assert user.client.get("/result").status_code in (302, 303)


def test_the_switch_returns_only_to_a_page_of_this_site(user):
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = choose(user, "fr", back_to=elsewhere)
        assert response.status_code == 303 and response.headers["Location"] == "/", elsewhere


def test_an_unknown_language_or_a_post_from_another_site_changes_nothing(user):
    choose(user, "de")
    assert HTML.search(text_of(user.client.get("/"))).groups() == ("en", "ltr")
    refused = user.client.post(
        "/language", data={"language": "ar", "back_to": "/"}, headers={"Origin": "https://evil.example"}
    )
    assert refused.status_code == 400
    assert HTML.search(text_of(user.client.get("/"))).groups() == ("en", "ltr")


def test_dates_are_written_in_the_page_language(user):
    user.start(date="2026-03-01")
    pages = {}
    for language in ("en", "fr", "ar", "pt", "id"):
        choose(user, language, back_to="/check")
        pages[language] = text_of(user.client.get("/check"))
    assert "2026-03-01 12:00" in pages["en"]  # English keeps the ISO form
    assert "1 mars 2026 12:00" in pages["fr"]
    assert "1 de mar. de 2026" in pages["pt"]
    assert "1 Mar 2026" in pages["id"]
    assert "01‏/03‏/2026" in pages["ar"]


def test_the_cli_takes_a_language():
    runner = CliRunner()
    english = runner.invoke(main, ["check"])
    french = runner.invoke(main, ["--lang", "fr", "check"])
    arabic = runner.invoke(main, ["--lang", "ar", "check"])
    assert english.exit_code == french.exit_code == arabic.exit_code == 0, french.output
    assert "Knowledge base OK" in english.output
    assert "Base de connaissances valide" in french.output and "Knowledge base OK" not in french.output
    assert "ترجمة الواجهة ar: 100.0 %" in arabic.output
    refused = runner.invoke(main, ["--lang", "de", "check"])
    assert refused.exit_code == 2 and "de" in refused.output


def test_the_api_answers_in_the_accept_language(client):
    body = {"jurisdiction": "baseline", "reference_date": "2026-03-01", "answers": {}}
    english = client.post("/api/v1/assess", json=body).get_json()
    french = client.post("/api/v1/assess", json=body, headers={"Accept-Language": "fr"}).get_json()
    assert english["disclaimer"].startswith("Decision support only")
    assert french["disclaimer"].startswith("Aide à la décision seulement")


BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def test_the_pdf_record_in_arabic_shows_shaped_arabic_text_right_aligned(user):
    choose(user, "ar")
    user.start()
    response = user.client.get("/record/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode(
        "utf-8"
    )
    plain = text.translate(BIDI_MARKS)
    # The record's own words, as Arabic text in reading order (words without the lam-alef ligature,
    # which pdftotext gives back letter by letter).
    for words in ("سجل القرار", "التاريخ المرجعي", "إصدار قاعدة المعارف", "مرجع القضية", "متخذ القرار"):
        assert words in plain, words
    assert "Decision record" not in plain and "Reference date" not in plain
    # The title stands at the right of the page, as a right-to-left document begins.
    title = next(line for line in text.splitlines() if "سجل القرار" in line.translate(BIDI_MARKS))
    assert len(title) - len(title.lstrip()) > 80, title
    # Drawn with the Arabic font (Noto Sans Arabic, fonts-noto-core), embedded.
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:  # pdffonts reads a file only
        handle.write(pdf)
        handle.flush()
        fonts = subprocess.run(["pdffonts", handle.name], capture_output=True, check=True).stdout.decode()
    assert "Noto-Sans-Arabic" in fonts, fonts

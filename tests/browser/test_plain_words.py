"""Plain words on the user's pages: no internal fact name, question id, rule id, file path or
engine word in their main text. A rule id may stand only in a details line (`.rule-id`); the
engine's own words only in the trainer's "how the engine reasons" details (`[data-engine]`).

The names looked for come from the knowledge base itself (every question id and derived fact, in
snake_case and in words), so a new fact is checked as soon as it exists."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext

from .conftest import LiveServer
from .test_accessibility import visits, with_case  # noqa: F401 (the fixture)
from .test_tree import vignette_number

USER_PAGES = {
    "start",
    "start, rejected",
    "resume from a file",
    "question, rejected answer",
    "check your answers",
    "result",
    "decision record",
    "bench card",
    "what-if question",
    "what-if comparison",
    "what would change",
}
ENGINE_WORDS = [r"\bstrat(um|a)\b", r"\bexperta\b", r"\bengine of record\b", r"\bfired\b"]
PATHS = r"\b(knowledge|engine|web|cli|tests)/[\w/.-]+|\b[\w-]+\.(yaml|py)\b"
RULE_ID = r"\bR-[A-Z]+-\d{2}\b|\bNE-[a-z-]+\b"
MAIN_TEXT = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('.rule-id, [data-engine], script, style, svg, pre.case-file').forEach(el => el.remove());
  main.querySelectorAll('details').forEach(el => el.setAttribute('open', ''));
  return main.textContent.replace(/\\s+/g, ' ');
}"""


def jargon(kb) -> list[tuple[str, str]]:
    names = {*kb.questions, *kb.derived_facts()}
    # A one-word id ("forum", "returnee") is an English word too: only ids with "_" are internal names.
    patterns = [(rf"\b{re.escape(name)}\b", f"the internal name '{name}'") for name in sorted(names) if "_" in name]
    patterns += [
        (rf"\b{re.escape(name.replace('_', ' '))}\b", f"the fact name '{name}' in words")
        for name in sorted(kb.derived_facts())
        if "_" in name
    ]
    patterns += [(word, "an engine word") for word in ENGINE_WORDS]
    patterns += [(PATHS, "a file path"), (RULE_ID, "a rule or point id outside a details line")]
    return patterns


def test_the_user_pages_speak_plain_words(with_case: tuple[BrowserContext, dict[str, int]], live_server: LiveServer):  # noqa: F811
    kb = live_server.app.extensions["pathway_kb"]
    context, steps = with_case
    patterns = [(re.compile(p, re.IGNORECASE if "engine" in why else 0), why) for p, why in jargon(kb)]
    pages = [
        v
        for v in visits(steps, vignette_number(live_server, "V8"))
        if v.name in USER_PAGES or v.name.startswith("question:")
    ]
    page = context.new_page()
    found: list[str] = []
    try:
        for visit in pages:
            page.goto(live_server.url + visit.address)
            if visit.then is not None:
                visit.then(page)
            text = page.evaluate(MAIN_TEXT)
            for pattern, why in patterns:
                for match in dict.fromkeys(m.group(0) for m in pattern.finditer(text)):
                    start = text.find(match)
                    found.append(f"[{visit.name}] {why}: …{text[max(0, start - 60) : start + 60]}…")
    finally:
        page.close()
    assert len(pages) >= 15
    assert not found, f"{len(found)} internal words on the user pages:\n" + "\n".join(found)

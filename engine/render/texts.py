"""The knowledge texts of one render (report, JSON, tree) in one language, and which were shown in
English because no current translation exists (see engine.load.translations)."""

from __future__ import annotations

from engine.i18n import current_language
from engine.load.knowledge_base import KnowledgeBase
from engine.load.translations import SOURCE_LANGUAGE


class Texts:
    """`texts(kind, id, field)`: the text in `lang` (default: the current language, engine.i18n),
    English where not translated (noted in `english`)."""

    def __init__(self, kb: KnowledgeBase, lang: str | None = None):
        self.kb = kb
        self.lang = lang or current_language()
        self.english: dict[str, None] = {}  # "kind:id.field" of each text shown in English, in order

    def __call__(self, kind: str, entry_id: str, field: str) -> str:
        found = self.kb.text(kind, entry_id, field, self.lang)
        if found.fallback:
            self.english[f"{kind}:{entry_id}.{field}"] = None
        return found.text

    def choice_labels(self, question) -> dict[str, str] | None:
        """A question's choice labels in `lang` (None in English: the question's own)."""
        if self.lang == SOURCE_LANGUAGE:
            return None
        return {c.id: self("questions", question.id, f"choices.{c.id}") for c in question.choices or ()}

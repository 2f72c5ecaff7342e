"""Translatable strings for the engine's and the CLI's own words (gettext).

Knowledge texts are translated by id, not here. Catalogues live in `engine/locale/<lang>/
LC_MESSAGES/pathway.mo`; without one, English is used. `PATHWAY_LANG` picks the language.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_translation = gettext.translation(
    "pathway", localedir=LOCALE_DIR, languages=[os.environ.get("PATHWAY_LANG", "en")], fallback=True
)
_ = _translation.gettext
ngettext = _translation.ngettext

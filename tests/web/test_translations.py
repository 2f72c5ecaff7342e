"""The templates' gettext gives what Jinja's own newstyle gettext gives (escaping, %% and variables)."""

from __future__ import annotations

import gettext

import pytest
from jinja2 import Environment

TEMPLATES = [
    "{{ _('Plain words') }}",
    "{{ _('100%% sure') }}",
    "{{ _('Hello %(name)s', name=who) }}",
    "{{ _('%(count)d case(s), part %(position)d', count=3, position=2) }}",
    "{{ ngettext('%(num)d rule', '%(num)d rules', n) }}",
    "{{ ngettext('one %(what)s', 'many %(what)s', n, what=who) }}",
    "{% trans %}Block with {{ who }}{% endtrans %}",
]


def _jinja_reference() -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    null = gettext.NullTranslations()
    env.install_gettext_callables(null.gettext, null.ngettext, newstyle=True)
    return env


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("n", [1, 4])
def test_page_gettext_renders_as_jinja_newstyle_gettext(app, source, n):
    values = {"who": "<b>Ana & co</b>", "n": n}
    with app.test_request_context("/"):
        ours = app.jinja_env.from_string(source).render(values)
    assert ours == _jinja_reference().from_string(source).render(values)
    assert "<b>" not in ours  # the variables are escaped

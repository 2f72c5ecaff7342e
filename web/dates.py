"""The dates of a case on the start page (and its own page to change them): a date of birth or an
age assessment, up to three dated acts, or the date of the one conduct.

The fields are read here; the ages are the engine's (`engine.run.session.dated_case`, as for a
case file), and so is what contradicts them, shown on the field it concerns. Without dates the
interview asks the ages in whole years, as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, lazy_gettext
from pydantic import ValidationError as RefusedEntry
from wtforms import DateField, Field, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from engine.cases.case_file import LifeDates
from engine.load.knowledge_base import KnowledgeBase
from engine.load.life_dates import EARLIEST_LIFE_DATE, LATEST_LIFE_DATE, Act, AgeAssessment
from engine.run.session import dated_case

from .texts import kt_plain

ACT_SLOTS = 3  # the acts the form offers; a case file may list more (engine.load.life_dates.MAX_ACTS)
AGE_METHODS = [  # the values of engine.load.life_dates.AgeMethod (GC24 paras 33-34)
    ("documents", lazy_gettext("Documents (identity papers, birth or school records)")),
    ("statements", lazy_gettext("Statements (of the child, the family, others)")),
    ("psychosocial_interview", lazy_gettext("A psychosocial interview")),
    ("holistic", lazy_gettext("A holistic, multidisciplinary assessment")),
    ("medical", lazy_gettext("A medical examination")),
    ("other", lazy_gettext("Another method")),
]
ASSESSMENT_FIELDS = ("lowest_age", "highest_age", "assessed_on", "born_earliest", "born_latest")


def _a_life_date(form: Any, field: DateField) -> None:
    """A date of a life as case files take it (engine.load.life_dates): from 1900 to 2100."""
    if field.data is not None and not EARLIEST_LIFE_DATE <= field.data <= LATEST_LIFE_DATE:
        raise ValidationError(
            gettext(
                "Enter a date between %(first)s and %(last)s",
                first=EARLIEST_LIFE_DATE.isoformat(),
                last=LATEST_LIFE_DATE.isoformat(),
            )
        )


def _date(label: Any) -> DateField:
    return DateField(label, validators=[Optional(), _a_life_date], format="%Y-%m-%d")


def _age(label: Any) -> IntegerField:
    return IntegerField(
        label, validators=[Optional(), NumberRange(0, 40, message=lazy_gettext("Enter an age from 0 to 40"))]
    )


class DatesFields:
    """The dates of a case, for a Flask-WTF form to inherit (all optional)."""

    date_of_birth = _date(lazy_gettext("Date of birth"))
    age_method = SelectField(
        lazy_gettext("How the age was assessed"), choices=[("", ""), *AGE_METHODS], validators=[Optional()]
    )
    lowest_age = _age(lazy_gettext("Lowest plausible age"))
    highest_age = _age(lazy_gettext("Highest plausible age"))
    assessed_on = _date(lazy_gettext("On the day of the assessment"))
    born_earliest = _date(lazy_gettext("Born at the earliest on"))
    born_latest = _date(lazy_gettext("Born at the latest on"))
    conduct_date = _date(lazy_gettext("Date of the conduct"))


for _slot in range(1, ACT_SLOTS + 1):
    setattr(DatesFields, f"act_{_slot}_date", _date(lazy_gettext("Date")))
    setattr(
        DatesFields,
        f"act_{_slot}_category",
        SelectField(lazy_gettext("Conduct category"), choices=[("", "")], validators=[Optional()]),
    )


def offer_categories(form: Any, kb: KnowledgeBase) -> None:
    """The conduct categories of the knowledge base (its question conduct_category) in each act's list."""
    question = kb.questions.get("conduct_category")
    choices = [("", gettext("Choose a category"))] + [
        (c.id, kt_plain("questions", question.id, f"choices.{c.id}")) for c in (question.choices if question else [])
    ]
    for slot in range(1, ACT_SLOTS + 1):
        form[f"act_{slot}_category"].choices = choices


def act_slots(form: Any) -> list[tuple[Field, Field]]:
    """Each act's date and category fields, in order."""
    return [(form[f"act_{n}_date"], form[f"act_{n}_category"]) for n in range(1, ACT_SLOTS + 1)]


DATE_FIELDS = (
    "date_of_birth",
    "age_method",
    *ASSESSMENT_FIELDS,
    *(f"act_{n}_{part}" for n in range(1, ACT_SLOTS + 1) for part in ("date", "category")),
    "conduct_date",
)


def dates_given(form: Any) -> bool:
    """Whether any date of the case was filled in (the section opens to show them)."""
    return any((form[name].raw_data and form[name].raw_data[0]) or form[name].errors for name in DATE_FIELDS)


@dataclass
class GivenDates:
    """What the dates give the case: the answers they derive, the date of the conduct, the dates kept."""

    answers: dict[str, Any] = field(default_factory=dict)
    conduct_date: dt.date | None = None
    life: LifeDates | None = None


def _fail(target: Field, message: str) -> None:
    target.errors = [*target.errors, message[:1].upper() + message[1:]]


def _assessment(form: Any) -> AgeAssessment | bool | None:
    """The age assessment given (None: none; False: refused, the error on its field)."""
    given = [form[name] for name in ASSESSMENT_FIELDS if form[name].data is not None]
    if not given and not form.age_method.data:
        return None
    if not form.age_method.data:
        _fail(form.age_method, gettext("Choose how the age was assessed"))
        return False
    try:
        return AgeAssessment(method=form.age_method.data, **{f.name: f.data for f in given})
    except RefusedEntry as err:
        first = err.errors()[0]
        _fail(given[0] if given else form.age_method, str(first.get("ctx", {}).get("error", first["msg"])))
        return False


def read_dates(form: Any, reference: dt.datetime) -> GivenDates | None:
    """The dates of the form checked by the engine; None when one is refused (its error on its field)."""
    acts, fields = [], []
    for date_field, category in act_slots(form):
        if (date_field.data is None and not category.data) or category.errors:
            continue  # an empty act, or a category not offered (its field says so)
        if date_field.data is None or date_field.errors:  # not given, or not a date (the field says which)
            if not date_field.errors:
                _fail(date_field, gettext("Enter the date of this act, or remove its category"))
        elif not category.data:
            _fail(category, gettext("Choose the conduct category of this act"))
        else:
            acts.append(Act(date=date_field.data, conduct_category=category.data))
            fields.append(date_field)
    if acts and form.conduct_date.data is not None:
        _fail(
            form.conduct_date,
            gettext("The acts are dated: leave the date of the conduct empty (the assessed act's date is used)"),
        )
    assessment = _assessment(form)
    if assessment is False or any(form[name].errors for name in DATE_FIELDS):
        return None
    ages, problems = dated_case(form.date_of_birth.data, assessment, acts, form.conduct_date.data, reference)
    for path, message in problems:
        if path[0] == "acts":
            _fail(fields[path[1]], message)
        elif path[0] == "age_assessment":
            _fail(next((form[n] for n in ASSESSMENT_FIELDS if form[n].data is not None), form.age_method), message)
        else:
            _fail(form[path[0]], message)
    if problems:
        return None
    if ages is None:
        return GivenDates(conduct_date=form.conduct_date.data)
    life = LifeDates(form.date_of_birth.data, assessment, tuple(acts), ages)
    return GivenDates(dict(ages.answers), ages.conduct_date, life)


def fill_dates(form: Any, life: LifeDates | None, conduct_date: dt.date | None) -> None:
    """Show a case's dates in the form (the page that changes them)."""
    form.conduct_date.data = conduct_date if life is None or not life.acts else None
    if life is None:
        return
    form.date_of_birth.data = life.date_of_birth
    if life.age_assessment is not None:
        form.age_method.data = life.age_assessment.method
        for name in ASSESSMENT_FIELDS:
            form[name].data = getattr(life.age_assessment, name)
    for (date_field, category), act in zip(act_slots(form), life.acts, strict=False):
        date_field.data, category.data = act.date, act.conduct_category

"""The law in force for a case: which dated value of each profile parameter applies, and which
rules with a validity period (`in_force:`) apply.

Procedural law (`law: procedural` in parameters.yaml: time limits, bail, legal aid) is the law
on the date of the decision, the reference moment. Substantive law is the law in force at the
time of the conduct, unless a later law, in force by the decision, is more favourable to the
child (in the parameter's protective direction): then the later law applies. This is the rule
of the lighter penalty of ICCPR art 15(1) as the issue asks it applied (the ICCPR is not in this
tool's sources register, so it is named, not cited), with CRC art 40(2)(a) (no offence for an
act not prohibited when it was committed). Without a date of the conduct, the law on the
reference date is used and the result says so.

A rule is judged the same way, by its effect (`in_force.effect`, checked by `pathway check`): a
protective rule (a safeguard, a prohibition of a harmful outcome) applies when it was in force
on any day from the conduct to the decision - at the conduct, or as the later more favourable
law; a restrictive rule (one that can bring the child into the criminal process or keep it
there) applies only when in force on every day from the conduct to the decision: not when it
came into force after the act (CRC art 40(2)(a)), nor when it was repealed before the decision
(the later law without it is more favourable). A procedural rule applies when in force on the
date of the decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.i18n import N_
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import InForce, Parameter, Period

WHY = {
    "procedural": N_("procedural law: in force on the date of the decision"),
    "at_conduct": N_("substantive law: in force at the time of the conduct"),
    "later_favourable": N_(
        "substantive law: the later law, more favourable to the child, applies (lighter penalty: ICCPR art 15(1); CRC art 40(2)(a))"
    ),
    "no_conduct_date": N_("substantive law: in force on the reference date (no date of the conduct given)"),
}
RULE_WHY = {
    "procedural": N_("procedural rule: in force on the date of the decision"),
    "procedural_not_in_force": N_("procedural rule: not in force on the date of the decision"),
    "at_conduct": N_("substantive rule: in force at the time of the conduct"),
    "later_favourable": N_(
        "protective rule: in force after the conduct, by the decision - the later law, more favourable to the child, applies"
    ),
    "not_in_force": N_("protective rule: not in force at any time from the conduct to the decision"),
    "not_at_conduct": N_(
        "restrictive rule: not in force at the time of the conduct - no heavier law applies to an earlier act (CRC art 40(2)(a))"
    ),
    "repealed": N_(
        "restrictive rule: no longer in force on the date of the decision - the later law, more favourable to the child, applies"
    ),
    "no_conduct_date": N_("substantive rule: in force on the reference date (no date of the conduct given)"),
    "no_conduct_date_not_in_force": N_(
        "substantive rule: not in force on the reference date (no date of the conduct given)"
    ),
}


@dataclass(frozen=True)
class LawApplied:
    """The version of one dated parameter applied to the case, and why."""

    parameter: str
    value: Any
    since: dt.date
    source: str
    reason: str  # a key of WHY

    @property
    def why(self) -> str:
        return WHY[self.reason]


@dataclass(frozen=True)
class RuleInForce:
    """Whether one rule with a validity period applies to the case, and why."""

    rule: str
    in_force: InForce
    applies: bool
    reason: str  # a key of RULE_WHY

    @property
    def why(self) -> str:
        return RULE_WHY[self.reason]


def _more_protective(param: Parameter, a: Any, b: Any) -> bool:
    """Whether value `a` protects the child more than `b` (true is "higher" for a yes/no)."""
    if a is None or b is None or param.protective_direction == "equal" or a == b:
        return False
    return (a > b) if param.protective_direction == "higher" else (a < b)


def _periods_between(periods: tuple[Period, ...], first: dt.date, last: dt.date) -> list[Period]:
    """The periods in force at some day from `first` to `last`."""
    return [
        p
        for i, p in enumerate(periods)
        if p.from_ <= last
        and (i + 1 == len(periods) or periods[i + 1].from_ > first)
        and (p.until is None or p.until >= first)
    ]


def law_in_force(
    kb: KnowledgeBase, jurisdiction: str, reference: dt.datetime, conduct: dt.date | None
) -> list[LawApplied]:
    """The version applied of each dated parameter of the profile (empty: nothing is dated)."""
    profile = kb.jurisdictions[jurisdiction]
    day = reference.date()
    applied = []
    for name, periods in profile.dated.items():
        param = kb.parameters[name]
        if param.law == "procedural":
            chosen, reason = profile.period_on(name, day), "procedural"
        elif conduct is None:
            chosen, reason = profile.period_on(name, day), "no_conduct_date"
        else:
            chosen, reason = profile.period_on(name, conduct), "at_conduct"
            for later in _periods_between(periods, conduct, max(conduct, day)):
                if chosen is not None and _more_protective(param, later.value, chosen.value):
                    chosen, reason = later, "later_favourable"
        if chosen is not None:
            applied.append(LawApplied(name, chosen.value, chosen.from_, chosen.source, reason))
    return applied


def overrides_for(kb: KnowledgeBase, jurisdiction: str, applied: list[LawApplied]) -> dict[str, Any]:
    """The values that differ from the profile's current ones (what a program must override)."""
    values = kb.jurisdictions[jurisdiction].values
    return {law.parameter: law.value for law in applied if values.get(law.parameter) != law.value}


def _rule_applies(period: InForce, day: dt.date, conduct: dt.date | None) -> tuple[bool, str]:
    if period.law == "procedural":
        return (True, "procedural") if period.covers(day) else (False, "procedural_not_in_force")
    if conduct is None:
        return (True, "no_conduct_date") if period.covers(day) else (False, "no_conduct_date_not_in_force")
    last = max(conduct, day)
    if period.effect == "protective":
        if period.covers(conduct):
            return True, "at_conduct"
        if period.from_ <= last and (period.until is None or period.until >= conduct):
            return True, "later_favourable"
        return False, "not_in_force"
    if not period.covers(conduct):
        return False, "not_at_conduct"
    if not period.covers(last):
        return False, "repealed"
    return True, "at_conduct"


def rules_in_force(kb: KnowledgeBase, reference: dt.datetime, conduct: dt.date | None) -> list[RuleInForce]:
    """Each rule with a validity period, whether it applies to this case and why (in rule order)."""
    day = reference.date()
    return [
        RuleInForce(rule.id, rule.spec.in_force, *_rule_applies(rule.spec.in_force, day, conduct))
        for rule in kb.dated_rules
    ]


def out_of_force(law: list[RuleInForce]) -> frozenset[str]:
    """The rules not in force for the case: bound to "never" in its program."""
    return frozenset(r.rule for r in law if not r.applies)

"""Jurisdiction profiles as written: inheritance (`extends`) and dated values, resolved into the
flat profile the engine binds; and a profile supplied by the user - a file outside the knowledge
folder, an upload, a JSON object of the API, the profile a case file carries - checked like the
shipped ones.

A profile lists only what differs from the profile it extends. A value written as a list of
periods (`- {from: 2026-06-01, value: 14, source: ...}`) is the law as it changed over time: the
periods are kept in `Jurisdiction.dated` and the value in force last in `values`; which period
applies to a case is decided when it is assessed (engine.run.law_in_force).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from engine.errors import KnowledgeError, Problem
from engine.load.entries import validate_entry
from engine.load.model import INTERNATIONAL_PROFILE, Jurisdiction, Period
from engine.load.yaml_source import line_of, parse_yaml_text

MAX_PROFILE_BYTES = 256 * 1024


def _periods(profile: Jurisdiction, data: Any, file: str) -> tuple[dict[str, tuple[Period, ...]], list[Problem]]:
    dated, problems = {}, []
    for name, value in profile.values.items():
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value) or not value:
            continue
        periods = []
        for i, item in enumerate(value):
            raw = data["values"][name][i] if isinstance(data, dict) else item
            period, found = validate_entry(Period, raw, file, ("values", name, i))
            problems += [
                p if p.line else Problem(p.file, line_of(data, ("values", name)), profile.id, p.field, p.message)
                for p in found
            ]
            if period is not None:
                periods.append(period)
        if len(periods) == len(value):
            dated[name] = tuple(periods)
    return dated, problems


def resolve(
    profile: Jurisdiction, data: Any, file: str, known: dict[str, Jurisdiction]
) -> tuple[Jurisdiction, list[Problem]]:
    """The profile with what it inherits and its dated values split out (`known`: resolved profiles)."""
    problems: list[Problem] = []
    values, dated, notes = {}, {}, {}
    if profile.extends is not None:
        base = known.get(profile.extends)
        if base is None or profile.extends == profile.id:
            names = ", ".join(sorted(p for p in known if p != profile.id)) or "none"
            problems.append(
                Problem(
                    file,
                    line_of(data, ("extends",)),
                    profile.id,
                    "extends",
                    f"unknown profile '{profile.extends}' to extend (known: {names})",
                )
            )
        else:
            values, dated = dict(base.values), dict(base.dated)
    own_dated, found = _periods(profile, data, file)
    problems += found
    for name, value in profile.values.items():
        dated.pop(name, None)
        if name in own_dated:
            dated[name] = own_dated[name]
            values[name] = own_dated[name][-1].value
        else:
            values[name] = value
    notes.update(profile.notes)
    return profile.model_copy(update={"values": values, "dated": dated, "notes": notes}), problems


def resolve_all(raw: list[tuple[Jurisdiction, Any, str]]) -> tuple[dict[str, Jurisdiction], list[Problem]]:
    """Resolve every profile, each after the one it extends (a cycle is refused)."""
    pending = {profile.id: (profile, data, file) for profile, data, file in raw}
    done: dict[str, Jurisdiction] = {}
    problems: list[Problem] = []
    while pending:
        ready = [
            pid
            for pid, (p, _, _) in pending.items()
            if p.extends is None or p.extends in done or p.extends not in pending
        ]
        if not ready:  # every one left waits on another one left: a cycle
            for pid, (profile, data, file) in pending.items():
                problems.append(
                    Problem(
                        file,
                        line_of(data, ("extends",)),
                        pid,
                        "extends",
                        f"profiles extend each other in a circle ('{pid}' extends '{profile.extends}')",
                    )
                )
            break
        for pid in ready:
            profile, data, file = pending.pop(pid)
            done[pid], found = resolve(profile, data, file, done)
            problems += found
    return done, problems


def profile_from_data(kb: Any, data: Any, name: str) -> Jurisdiction:
    """A profile written as data (a profile file as parsed, a JSON object of the API, the profile a
    case file carries), resolved against the knowledge base's profiles and checked like them;
    raise `KnowledgeError` with the problems (their lines where `data` was read from YAML)."""
    from engine.load.validate import profile_problems  # validate imports the model of this stage

    profile, problems = validate_entry(Jurisdiction, data, name)
    if profile is None:
        raise KnowledgeError(problems)
    refused = []
    if "dated" in data:
        refused.append(("dated", "'dated' is worked out from the values; write dated values as lists of periods"))
    if profile.id == INTERNATIONAL_PROFILE:
        refused.append(("id", f"'{profile.id}' is the international reference profile: give yours an id of its own"))
    if refused:
        raise KnowledgeError([Problem(name, line_of(data, (key,)), profile.id, key, text) for key, text in refused])
    resolved, problems = resolve(profile, data, name, kb.jurisdictions)
    problems += profile_problems(kb, resolved, name, data)
    if problems:
        raise KnowledgeError(problems)
    return resolved


def profile_as_data(data: Any) -> dict[str, Any]:
    """A profile as read (YAML with its lines and dates) as plain JSON data, to travel with a case
    (the cookie, the case file): dates as YYYY-MM-DD, which `profile_from_data` reads back."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def _too_large(name: str) -> KnowledgeError:
    return KnowledgeError(
        [
            Problem(
                name, None, None, None, f"the file is too large (a profile holds at most {MAX_PROFILE_BYTES:,} bytes)"
            )
        ]
    )


def read_profile_text(kb: Any, text: str | bytes, name: str) -> tuple[Jurisdiction, Any]:
    """A profile from the text of a file (an upload), with the data it was read from; raise
    `KnowledgeError` with file:line problems."""
    if len(text) > MAX_PROFILE_BYTES:
        raise _too_large(name)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise KnowledgeError(
                [Problem(name, None, None, None, f"the file is not UTF-8 text (byte {err.start})")]
            ) from None
    data, problems = parse_yaml_text(text, name)
    if problems:
        raise KnowledgeError(problems)
    return profile_from_data(kb, data, name), data


def read_profile_file(kb: Any, path: Path) -> Jurisdiction:
    """A profile from a file (`pathway assess --profile FILE`), read as an upload is; raise
    `KnowledgeError` with file:line problems."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            text = handle.read(MAX_PROFILE_BYTES + 1)  # just past the limit: a pipe has no size to check first
    except OSError as err:
        raise KnowledgeError([Problem(name, None, None, None, f"cannot read the file: {err.strerror}")]) from err
    return read_profile_text(kb, text, name)[0]


def with_profile(kb: Any, profile: Jurisdiction) -> Any:
    """The knowledge base with a profile supplied by the user (one more, or another version of
    one): a copy, so that the programs bound to the profiles as loaded are never mixed with it,
    marked `supplied_profile` so that nothing built on it outlives the request or command."""
    return dataclasses.replace(
        kb, jurisdictions={**kb.jurisdictions, profile.id: profile}, programs={}, supplied_profile=profile.id
    )

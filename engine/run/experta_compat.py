"""The only module that imports experta, made safe for Python 3.10+ and for case data.

experta 1.9.4 (its last release) pins `frozendict==1.2`, which reads `collections.Mapping`, an
alias Python 3.10 removed. Re-creating the aliases before the first import lets a plain
`pip install` keep experta's own pins; they are removed again once experta is imported. Importing experta also calls `logging.basicConfig()`,
adding a handler to the root logger, and its watchers can log every fact (that is, answers
about a child): the root logger is restored and experta's loggers are switched off for good.
"""

from __future__ import annotations

import collections
import collections.abc
import logging

_ALIASES = (
    "Mapping",
    "MutableMapping",
    "Sequence",
    "MutableSequence",
    "Iterable",
    "Hashable",
    "Set",
    "MutableSet",
    "Callable",
)
_added = [name for name in _ALIASES if not hasattr(collections, name)]
for _name in _added:
    setattr(collections, _name, getattr(collections.abc, _name))

_root = logging.getLogger()
_handlers, _level = list(_root.handlers), _root.level

from experta import AND, MATCH, TEST, Fact, KnowledgeEngine, P, Rule, watchers  # noqa: E402

# frozendict reads the aliases only while its module is imported (`class frozendict(collections.Mapping)`):
# take them away again, so the rest of the process sees the standard library as it is.
for _name in _added:
    delattr(collections, _name)

_root.handlers[:] = _handlers
_root.setLevel(_level)
_experta_logger = logging.getLogger("experta")
_experta_logger.handlers[:] = [logging.NullHandler()]
_experta_logger.propagate = False
_experta_logger.disabled = True
for _logger_name in list(logging.root.manager.loggerDict):
    if _logger_name.startswith("experta."):
        _child = logging.getLogger(_logger_name)
        _child.propagate = False
        _child.disabled = True


def _silent(*_args, **_kwargs) -> None:
    return None


# The loggers are off for good, yet every node activation and reset still called them (about 8%
# of a run): the watchers' checks and calls now cost nothing.
watchers.worth = lambda _what, _level: False
for _watcher in (watchers.MATCHER, watchers.RULES, watchers.AGENDA, watchers.FACTS, watchers.ENGINE):
    for _method in ("debug", "info", "warning"):
        setattr(_watcher, _method, _silent)

__all__ = ["AND", "MATCH", "TEST", "Fact", "KnowledgeEngine", "P", "Rule", "watchers"]

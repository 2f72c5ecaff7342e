"""Justice Pathway engine: load the knowledge base, assess a case, explain the result.

Public API (used by the CLI and the web app):
- `load_knowledge(path=None)` -> KnowledgeBase (raises KnowledgeError listing every problem)
- `assess(kb, answers, jurisdiction="baseline", reference=None)` -> Assessment
- `parse_answers(questions, raw, reference)` -> (typed answers, errors)
"""

from engine.errors import AnswerError, KnowledgeError, Problem
from engine.load.answers import parse_answers
from engine.load.loader import load_knowledge, read_knowledge
from engine.run.session import AnswersError, Assessment, UnknownJurisdictionError, assess

__all__ = [
    "AnswerError",
    "AnswersError",
    "Assessment",
    "KnowledgeError",
    "Problem",
    "UnknownJurisdictionError",
    "assess",
    "load_knowledge",
    "parse_answers",
    "read_knowledge",
]

"""Hypothesis strategies over the answers of any knowledge base (values from engine.analysis.generate)."""

from __future__ import annotations

from hypothesis import strategies as st

from engine.analysis.generate import NOW, candidate_values, random_full_case, random_walk_case
from engine.load.knowledge_base import KnowledgeBase
from engine.run.session import dated_program

__all__ = ["NOW", "answer_sets", "random_full_case", "random_walk_case", "values_in_force"]


def values_in_force(kb: KnowledgeBase, jurisdiction: str) -> dict:
    """The profile's parameter values in force on the generated cases' date (a dated profile, such as
    Ruritania's MACR raised on 1 June 2026, has other values today)."""
    return dated_program(kb, jurisdiction, NOW)[0].values


def answer_sets(kb: KnowledgeBase, partial: bool = True) -> st.SearchStrategy[dict]:
    """Hypothesis strategy: answers to any subset (or all) of the questions."""
    fields = {qid: st.sampled_from(candidate_values(kb, q)) for qid, q in kb.questions.items()}
    if not partial:
        return st.fixed_dictionaries(fields)
    return st.fixed_dictionaries({}, optional=fields)

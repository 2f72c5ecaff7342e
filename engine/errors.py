"""Problems found in knowledge files, case files and answers, worded for the person who fixes them.

Every problem keeps its parts as attributes (file, line, the id of the entry, the field, what
was expected, a "did you mean" suggestion) so that the CLI, the web layer and the tests can use
them without parsing the message.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a knowledge file or a case file."""

    file: str
    line: int | None
    entry: str | None
    field: str | None
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.entry:
            parts.append(f"[{self.entry}]")
        if self.field:
            parts.append(f"field '{self.field}':")
        text = " ".join(parts) + " " + self.message
        if self.suggestion:
            text += f" Did you mean '{self.suggestion}'?"
        return text


class KnowledgeError(Exception):
    """The knowledge base (or a file read against it) has one or more problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the knowledge base:\n" + "\n".join(f"- {p}" for p in self.problems)
        )


class CaseFileError(Exception):
    """A case file cannot be read; every problem is listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class AnswerError:
    """An answer that does not fit its question: which answer, what was given, what is allowed."""

    question_id: str
    given: object
    message: str
    allowed: str
    suggestion: str | None = None

    def __str__(self) -> str:
        text = f"Answer to '{self.question_id}': {self.message} (given: {self.given!r}; allowed: {self.allowed})."
        if self.suggestion:
            text += f" Did you mean '{self.suggestion}'?"
        return text

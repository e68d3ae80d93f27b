"""Errors a user can act on, kept apart from bugs so the command line can tell them apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where it is and which rule it breaks."""

    file: str
    row: int | None  # as the analyst sees it in the file: the header is row 1
    column: str | None
    value: str | None
    rule: str

    def describe(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{value}: {self.rule}"


class UserError(Exception):
    """Bad input or settings: reported without a traceback, exit status 2."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def render(self, limit: int = 20) -> str:
        lines = [self.message]
        for problem in self.problems[:limit]:
            lines.append(f"  - {problem.describe()}")
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)

"""Errors a user can act on, kept apart from bugs so the command line can tell them apart."""

from __future__ import annotations

from collections import defaultdict
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
            where.append(f"rij {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        value = "" if self.value is None else f": waarde {self.value!r}"
        return f"{', '.join(where)}{value}: {self.rule}"


class UserError(Exception):
    """Bad input or settings: reported without a traceback, exit status 2."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def render(self, limit: int = 20) -> str:
        """The message and the problems, the same rule broken in the same column summarised in one line
        ('9.533 rijen: ...; eerste in rij 2'), so one cause reads as one cause; at most `limit` lines."""
        lines = [self.message]
        groups: dict[tuple, list[Problem]] = defaultdict(list)
        for problem in self.problems:
            groups[(problem.file, problem.column, problem.rule)].append(problem)
        for (file, column, rule), members in list(groups.items())[:limit]:
            if len(members) < 3:
                lines += [f"  - {m.describe()}" for m in members]
                continue
            first = members[0]
            where = f"{file}, kolom '{column}'" if column else file
            value = "" if first.value is None else f" (waarde {first.value!r})"
            at = f"; eerste in rij {first.row}{value}" if first.row is not None else value
            lines.append(f"  - {where}: {_dutch_int(len(members))} rijen: {rule}{at}")
        shown = sum(len(m) for m in list(groups.values())[:limit])
        if len(self.problems) > shown:
            lines.append(f"  ... en nog {_dutch_int(len(self.problems) - shown)}")
        return "\n".join(lines)


def _dutch_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")

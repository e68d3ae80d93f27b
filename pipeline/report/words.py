"""Dutch words shared by the chapters: dates and months, lists, counts that may be hidden, directions and
significance."""

from __future__ import annotations

import datetime as dt

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_int, nl_p
from schemas.results import Results

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def nl_month(year_month: str | None) -> str:
    if not year_month:
        return "–"
    year, month = (int(x) for x in year_month.split("-"))
    return f"{MONTHS[month - 1]} {year}"


def nl_list(items: list[str], last: str = "en") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def count_words(mark, value: float, p: Protection) -> str:
    """A count in a sentence as the tables show it: the number, or in words why it is not shown."""
    if mark is None:
        return nl_int(value)
    return f"minder dan {p.k}" if str(mark) == f"<{p.k}" else "een niet getoond aantal"


def change_word(before: float, after: float) -> str:
    """'een daling' or 'een stijging' by the sign, never by habit."""
    return "een daling" if after < before else ("een stijging" if after > before else "geen verandering")


def direction_words(before: int, after: int, verb_down: str = "daalde", verb_up: str = "steeg") -> str:
    return verb_down if after < before else (verb_up if after > before else "bleef gelijk")


def significance_words(p: float | None, alpha: float) -> str:
    if p is None:
        return "niet getoetst"
    return f"statistisch significant ({nl_p(p)})" if p < alpha else f"niet statistisch significant ({nl_p(p)})"


def counted_roles(r: Results) -> str:
    """Which registrations count, as the object of a sentence: 'de registraties in elke rol ...' or 'alleen de
    registraties waarin de cliënt verdachte of betrokkene is'."""
    roles = r.settings.rollen
    if roles == "alle":
        return "de registraties in elke rol van de cliënt (verdachte, slachtoffer, getuige, betrokkene en andere)"
    return "alleen de registraties waarin de cliënt " + nl_list(roles, "of") + " is"

"""Numbers the Dutch way, in Python rather than in templates: 1.682, 49,6%, −68,1%, p < 0,001."""

from __future__ import annotations

MINUS = "\u2212"  # a real minus sign, as typeset reports use


def share(part: float, whole: float) -> float | None:
    """part as a percentage of whole; None (shown as a dash) for a share of nothing: an empty group has no
    share, not 0%. The one definition that every table, sentence and figure uses."""
    return None if not whole else part / whole * 100


def pct_change(before: float, after: float) -> float | None:
    """(after - before) / before x 100: the change of SPEC §5, for numbers the report derives (rates)."""
    return None if not before else (after - before) / before * 100


def nl_int(value: float | int | None) -> str:
    if value is None:
        return "–"
    text = f"{round(value):,}".replace(",", ".")
    return text.replace("-", MINUS)


def nl_decimal(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", MINUS)


def nl_pct(value: float | None, digits: int = 1, sign: bool = False) -> str:
    """49,6%; with sign=True a change: −49,6% or +12,0%."""
    if value is None:
        return "–"
    text = nl_decimal(value, digits) + "%"
    if sign and value > 0:
        text = "+" + text
    if text.startswith(MINUS) and float(f"{value:.{digits}f}") == 0:
        text = text[1:]
    return text


def nl_p(p: float | None) -> str:
    """p < 0,001 or p = 0,034; a dash when there was no test."""
    if p is None:
        return "–"
    if p < 0.001:
        return "p < 0,001"
    return "p = " + nl_decimal(p, 3)


NUMBER_WORDS = {
    1: "één",
    2: "twee",
    3: "drie",
    4: "vier",
    6: "zes",
    9: "negen",
    12: "twaalf",
    18: "achttien",
    24: "vierentwintig",
}


def months(n: int) -> str:
    return f"{NUMBER_WORDS.get(n, str(n))} maanden"

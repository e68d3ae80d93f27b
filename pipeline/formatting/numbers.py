"""Numbers the Dutch way, in Python rather than in templates: 1.682, 49,6%, −68,1%, p < 0,001."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"  # a real minus sign, as typeset reports use


def half_up(value: float, digits: int) -> Decimal:
    """Rounded as a reader and a spreadsheet round (12,25 → 12,3), not to even as Python's format does (12,2);
    from the shortest decimal that is the float, so 2,675 stays 2,675 and rounds to 2,68."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def share(part: float, whole: float) -> float | None:
    """part as a percentage of whole; None (shown as a dash) for a share of nothing: an empty group has no
    share, not 0%. The one definition that every table, sentence and figure uses."""
    return None if not whole else part / whole * 100


def pct_change(before: float, after: float) -> float | None:
    """(na - voor) / voor x 100 (SPEC §5, Tabel 3), for the results and the report's derived rates alike;
    undefined when there was nothing before."""
    return None if not before else (after - before) / before * 100


def nl_int(value: float | int | None) -> str:
    if value is None:
        return "–"
    text = f"{int(half_up(value, 0)):,}".replace(",", ".")
    return text.replace("-", MINUS)


def nl_decimal(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{half_up(value, digits):,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", MINUS)


def nl_pct(value: float | None, digits: int = 1, sign: bool = False) -> str:
    """49,6%; with sign=True a change: −49,6% or +12,0%."""
    if value is None:
        return "–"
    text = nl_decimal(value, digits) + "%"
    if sign and value > 0:
        text = "+" + text
    if text.startswith(MINUS) and half_up(value, digits) == 0:
        text = text[1:]
    return text


def nl_p(p: float | None) -> str:
    """p < 0,001 or p = 0,034; a dash when there was no test."""
    if p is None:
        return "–"
    if p < 0.001:
        return "p < 0,001"
    return "p = " + nl_decimal(p, 3)


NUMBER_WORDS = dict(
    enumerate(
        (
            "nul",
            "één",
            "twee",
            "drie",
            "vier",
            "vijf",
            "zes",
            "zeven",
            "acht",
            "negen",
            "tien",
            "elf",
            "twaalf",
            "dertien",
            "veertien",
            "vijftien",
            "zestien",
            "zeventien",
            "achttien",
            "negentien",
            "twintig",
        )
    )
) | {24: "vierentwintig", 36: "zesendertig"}


def nl_count(n: int) -> str:
    """A small count in running text as Dutch style writes it: in words up to twenty, then in digits."""
    return NUMBER_WORDS.get(n, nl_int(n)) if n <= 20 else nl_int(n)


def nl_of(part: int, whole: int) -> str:
    """'alle vijf', 'geen van de drie', 'twee van de vijf': how many of a number of groups."""
    if whole and part == whole:
        return "beide" if whole == 2 else f"alle {nl_count(whole)}"
    if part == 0:
        return "geen van beide" if whole == 2 else f"geen van de {nl_count(whole)}"
    return f"{nl_count(part)} van de {nl_count(whole)}"


def months(n: int) -> str:
    """A window length in digits, as a measure: '6 maanden', '1 maand' (the reader compares it with tables)."""
    return "1 maand" if n == 1 else f"{n} maanden"


ORDINALS = (
    "eerste",
    "tweede",
    "derde",
    "vierde",
    "vijfde",
    "zesde",
    "zevende",
    "achtste",
    "negende",
    "tiende",
    "elfde",
    "twaalfde",
    "dertiende",
    "veertiende",
    "vijftiende",
    "zestiende",
    "zeventiende",
    "achttiende",
    "negentiende",
    "twintigste",
)


def nl_ordinal(n: int) -> str:
    """'eerste', 'twaalfde', '25e': an ordinal in running text, in words up to twenty as Dutch style wants."""
    return ORDINALS[n - 1] if 1 <= n <= len(ORDINALS) else f"{n}e"

"""The outline numbers chapters, appendices and their parts, and running text points to them by number."""

from __future__ import annotations

import pytest

from pipeline.report.outline import Section, number


def _outline():
    return number(
        [
            Section("kern", "Kerncijfers", kind="plain"),
            Section("een", "Eerste", (("een-a", "Deel a"), ("een-b", "Deel b"))),
            Section("twee", "Tweede"),
            Section("bijl", "Bijlage", (("bijl-x", "Deel x"),), kind="appendix"),
        ]
    )


def test_references_follow_the_numbers():
    o = _outline()
    assert o.ref("een") == "hoofdstuk 1" and o.ref("twee") == "hoofdstuk 2"
    assert o.ref("een-b") == "paragraaf 1.2"
    assert o.ref("bijl") == "bijlage A" and o.ref("bijl-x") == "paragraaf A.1"
    assert o["bijl"] == "Bijlage A. Bijlage" and o["een-a"] == "1.1 Deel a"


def test_an_unnumbered_or_unknown_heading_cannot_be_referred_to():
    o = _outline()
    with pytest.raises(KeyError):
        o.ref("kern")
    with pytest.raises(KeyError):
        o.ref("nergens")

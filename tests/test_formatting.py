from pipeline.formatting.numbers import MINUS, nl_decimal, nl_int, nl_p, nl_pct


def test_dutch_numbers():
    assert nl_int(1682) == "1.682"
    assert nl_int(3909) == "3.909"
    assert nl_int(-835) == f"{MINUS}835"
    assert nl_int(None) == "–"
    assert nl_decimal(10.256) == "10,3"
    assert nl_decimal(1234.5, 2) == "1.234,50"
    assert nl_pct(-49.643) == f"{MINUS}49,6%"
    assert nl_pct(-68.085) == f"{MINUS}68,1%"
    assert nl_pct(77.4) == "77,4%"
    assert nl_pct(12.0, sign=True) == "+12,0%"
    assert nl_pct(-0.04) == "0,0%"
    assert nl_p(0.0000001) == "p < 0,001"
    assert nl_p(0.0341) == "p = 0,034"
    assert nl_p(0.001) == "p = 0,001"
    assert nl_p(None) == "–"


def test_one_share_for_tables_sentences_and_figures():
    from pipeline.formatting.numbers import share

    assert share(1, 4) == 25.0
    assert share(0, 4) == 0.0
    assert share(0, 0) is None  # an empty group has no share, and every output shows a dash for it
    assert nl_pct(share(0, 0)) == "–"


def test_ordinals_in_words_up_to_twenty():
    from pipeline.formatting.numbers import nl_ordinal

    assert [nl_ordinal(n) for n in (1, 2, 3, 8, 12, 20)] == [
        "eerste",
        "tweede",
        "derde",
        "achtste",
        "twaalfde",
        "twintigste",
    ]
    assert nl_ordinal(21) == "21e"


def test_halves_round_up_as_a_reader_expects():
    assert nl_decimal(2009 / 164) == "12,3"  # 12,25: Python's format would give 12,2
    assert nl_decimal(9.25) == "9,3" and nl_decimal(-9.25) == f"{MINUS}9,3"
    assert nl_pct(12.5, 0) == "13%" and nl_int(2.5) == "3"
    assert nl_decimal(2.675, 2) == "2,68"  # the float nearest 2,675 is below it; the reader sees 2,675
    assert nl_pct(-0.04) == "0,0%"

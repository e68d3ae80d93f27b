from pipeline.formatting.table import Table


def test_csv_for_dutch_excel_and_without_formula_injection():
    t = Table(
        "t",
        "T",
        ["Naam", "Aantal", "Verandering", "p"],
        ["text", "int", "pct", "p"],
        [['=HYPERLINK("x")', 1682, -49.64, 0.000012], ["-gevaar", 3, None, 0.034], ["@a", 0, 12.0, None]],
    )
    data = t.to_csv()
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Naam;Aantal;Verandering;p"
    assert lines[1].startswith("\"'=HYPERLINK") and lines[1].endswith(";1682;-49,6;1,2E-05")
    assert lines[2] == "'-gevaar;3;;0,034"
    assert lines[3] == "'@a;0;12,0;"


def test_shown_values_are_dutch():
    t = Table("t", "T", ["", "n", "%", "p"], ["text", "int", "pct", "p"], [["a", 1682, -49.64, 0.0004]])
    assert t.shown() == [["a", "1.682", "\u221249,6%", "< 0,001"]]

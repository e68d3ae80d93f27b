"""The report as its readers get it: the HTML parsed and the PDF's text extracted, checked against results.json."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from pipeline.formatting.numbers import nl_decimal, nl_int, nl_p, nl_pct
from pipeline.report.narrative import CHAPTERS, load_chapters, missing_notice

pytestmark = pytest.mark.slow  # runs the whole pipeline; `make test-fast` leaves it out


class Page(HTMLParser):
    """Just enough of the HTML: headings in order, tables as lists of rows, images, links, text."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.captions: dict[str, str] = {}
        self.images: list[dict[str, str]] = []
        self.urls: list[str] = []
        self.text: list[str] = []
        self.lang = None
        self._stack: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._figure: str | None = None
        self._heading: list[str] | None = None
        self._caption: list[str] | None = None
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "style":
            self._in_style = True
        for key in ("src", "href"):
            if key in a:
                self.urls.append(a[key])
        if tag == "figure":
            self._figure = a.get("id")
        if tag == "table" and self._figure:
            self._table = self._figure.removeprefix("tabel-")
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag == "caption":
            self._caption = []
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag == "img":
            self.images.append(a)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None
        if tag == "caption" and self._caption is not None and self._table:
            self.captions[self._table] = "".join(self._caption).strip()
            self._caption = None
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), "".join(self._heading).strip()))
            self._heading = None

    def handle_data(self, data):
        if self._in_style:
            return
        self.text.append(data)
        for part in (self._cell, self._heading, self._caption):
            if part is not None:
                part.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def report(default_run):
    out, results = default_run
    return out, results, parse(out / "rendementsanalyse.html")


def words(page: Page) -> str:
    return re.sub(r"\s+", " ", "".join(page.text))


def test_html_is_dutch_self_contained_and_in_order(report):
    _, _, page = report
    assert page.lang == "nl"
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), "a heading level is skipped"
    external = [u for u in page.urls if not (u.startswith("data:") or u.startswith("#"))]
    assert external == []
    html = (report[0] / "rendementsanalyse.html").read_text(encoding="utf-8")
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.sub(r"data:[^\"']+", "", html))
    assert "@import" not in html and "url(" not in html


def test_key_figures_first_in_plain_dutch(report):
    _, r, page = report
    text = words(page)
    o = r["overall"]
    sentence = (
        f"Wat er gebeurde: het aantal registraties daalde van {nl_int(o['voor'])} in de 6 maanden vóór het ICO "
        f"naar {nl_int(o['na'])} in de 6 maanden erna ({nl_pct(o['afname_pct'])})."
    )
    assert sentence in text
    assert "1.682" in sentence and "847" in sentence and "−49,6%" in sentence
    # the key figures lead with the primary estimate and its own check, the description comes after: with the
    # synthetic comparison group that is the matched comparison, checked by how alike the groups are
    primary = r["effect"]["primary"]
    assert primary["estimator"] == "matched"
    key = text[text.index("Kerncijfers") : text.index(sentence)]
    assert "hoofdschatting" in key.lower()
    assert nl_decimal(primary["irr"], 2) in key and nl_decimal(primary["ci_low"], 2) in key
    assert "vergelijkbare personen in dezelfde maanden" in key and "grootste verschil" in key
    assert text.index("Kerncijfers") < text.index("Samenvatting") < text.index("Wat deze cijfers wel en niet zeggen")
    assert "1,30 → 2,11 registraties per cliënt per maand" in text  # rates: the windows differ in length


def test_caveats_method_and_rules_are_stated(report):
    _, _, page = report
    text = words(page)
    for phrase in (
        "Synthetische gegevens",
        "regressie naar het gemiddelde",
        "Wilcoxon",
        "niet getoetst i.v.m. te kleine aantallen",
        "De vergelijkingsgroep lijkt op de cliënten in wat de politie registreerde",
        "COVID-19",
        "Detentie",
        "Holm",
    ):
        assert phrase.lower() in text.lower(), phrase


def test_tables_show_the_numbers_of_results_json(report):
    _, r, page = report
    age = {row[0].rstrip("*"): row for row in page.tables["leeftijd"][1:]}
    k = r["settings"]["min_publicatie"]
    for name, g in r["by_age"].items():
        row = age[name]
        if g["n"] < k:  # disclosure control: a small group shows its mark, never its numbers
            assert set(row[1:]) == {f"<{k}"}
            continue
        top = r["dominance"]["by_age"][name]
        if any(t[0] > 0.5 * g[c] or t[0] + t[1] > 0.8 * g[c] for c, t in top.items() if g[c]):
            assert set(row[1:]) == {"x"}  # one or two clients make most of its registrations
            continue
        assert row[1:4] == [nl_int(g["n"]), nl_int(g["voor"]), nl_int(g["na"])]
        assert row[6] == nl_pct(g["afname_pct"], sign=True)
        assert row[7] == (nl_p(g["p"]).removeprefix("p = ").removeprefix("p ") if g["p"] is not None else "–")
        assert row[4] == nl_decimal(g["gemiddeld_voor"])
    e = {row[0].lower(): row for row in page.tables["e_categorieen"][1:]}
    for name, g in r["e_categories"].items():
        assert e[name][1:4] == [nl_int(g["voor"]), nl_int(g["tijdens"]), nl_int(g["na"])]
        assert e[name][5] == nl_pct(g["afname_pct"], sign=True)
        # beside the counts, per client per month: the periods differ in length
        months = [r["perioden_per_maand"][q]["persoonsmaanden"] for q in ("voor", "tijdens", "na")]
        assert e[name][6:9] == [nl_decimal(g[q] / m, 2) for q, m in zip(("voor", "tijdens", "na"), months, strict=True)]
    sev = {row[0].lower(): row for row in page.tables["zwaarte"][1:]}
    assert {k: sev[k][1:4] for k in r["severity"]} == {
        k: [nl_int(g["voor"]), nl_int(g["tijdens"]), nl_int(g["na"])] for k, g in r["severity"].items()
    }
    windows = {row[0].lower(): row[1] for row in page.tables["vensters"][1:]}
    assert {k: windows[k] for k in r["windows"]} == {k: nl_int(v) for k, v in r["windows"].items()}
    rec = page.tables["verantwoording"]
    assert [row[1] for row in rec[1:]] == [
        nl_int(r["reconciliation"][k])
        for k in ("rows_read", "duplicates", "unknown_client", "rows_excluded_followup", "outside_windows", "used")
    ]
    change = page.tables["veranderingsgroepen"]
    assert [row[2] for row in change[3:6]] == [
        nl_int(r["change_groups"]["weinig"][c]) for c in ("afname_11_50", "afname_50_plus", "n")
    ]
    veel = r["change_groups"]["veel"]
    # 2 clients; a partner in its row; and, since the text states the increases over both groups, a partner in
    # its column too (the 'weinig' increases), whose row then needs one more
    assert veel["toegenomen"] < k and change[6][2] == f"<{k}" and change[7][2] == "x"
    assert change[1][2] == "x" and change[2][2] == "x"
    small = [k for k, g in r["by_age"].items() if not g["getoetst"]]
    assert small and all(age[k][0].endswith("*") for k in small)
    assert "* Niet getoetst i.v.m. te kleine aantallen" in words(page)


def test_every_figure_is_written_and_embedded_with_alt_text(report):
    out, _, page = report
    svgs = sorted((out / "figures").glob("*.svg"))
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(svgs) >= 10 and [p.stem for p in svgs] == [p.stem for p in pngs]
    embedded = [img for img in page.images if img["src"].startswith("data:image/svg+xml;base64,")]
    assert len(embedded) == len(svgs) == len(page.images)
    assert all(len(img.get("alt", "")) > 20 for img in embedded)
    assert all(b"<svg" in p.read_bytes()[:2000] for p in svgs)


def test_csv_tables_open_in_dutch_excel(report):
    out, r, _ = report
    csvs = sorted((out / "tables").glob("*.csv"))
    assert len(csvs) >= 10
    for path in csvs:
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        assert ";" in data.decode("utf-8-sig").splitlines()[0]
    lines = (out / "tables" / "vensters.csv").read_bytes().decode("utf-8-sig").splitlines()
    first = r["windows"]["6 mnd voor"]
    share = f"{first / r['n_registrations'] * 100:.1f}".replace(".", ",")
    assert lines[1] == f"6 mnd voor;{first};{share}"


def test_pdf_has_the_pages_numbers_and_label(report):
    out, r, _ = report
    reader = PdfReader(out / "rendementsanalyse.pdf")
    assert len(reader.pages) >= 8
    pages = [p.extract_text() for p in reader.pages]
    assert all("SYNTHETISCHE GEGEVENS" in p for p in pages)
    assert all(f"van {len(pages)}" in p for p in pages[1:])
    text = re.sub(r"\s+", " ", " ".join(pages))
    for number in (
        nl_int(r["overall"]["voor"]),
        nl_int(r["overall"]["na"]),
        nl_pct(r["overall"]["afname_pct"]),
        nl_int(r["n_registrations"]),
        "regressie naar het gemiddelde",
    ):
        assert number in text, number
    fonts = set()
    for p in reader.pages:
        for font in (p["/Resources"].get("/Font") or {}).values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, "every font is embedded"
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(f.startswith("DejaVu-Sans") for f in fonts)


def test_a_chapter_not_written_is_left_out_and_named(tmp_path):
    assert load_chapters(tmp_path / "does-not-exist") == {}
    assert len(missing_notice({})) == len(CHAPTERS)
    (tmp_path / "inleiding.md").write_text("# Onze inleiding\n\nHet **ZVH** werkt samen.\n", encoding="utf-8")
    chapters = load_chapters(tmp_path)
    assert set(chapters) == {"inleiding"}
    assert "<strong>ZVH</strong>" in chapters["inleiding"].html
    # the analyst's '#' sits below the report's numbered chapter (h2) and part (h3) headings
    assert "<h4>Onze inleiding</h4>" in chapters["inleiding"].html
    notices = missing_notice(chapters)
    assert not any(n.startswith("inleiding.md") for n in notices)
    assert any(n.startswith("interviews.md") for n in notices)


def test_cli_renders_the_analysts_chapter(default_run, tmp_path):
    from tests.conftest import run_cli

    (tmp_path / "conclusies.md").write_text("De samenwerking verloopt goed.\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli(
        "render",
        "--results",
        str(default_run[0] / "intern" / "results.json"),
        "--out",
        str(out),
        "--narrative",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    text = words(parse(out / "rendementsanalyse.html"))
    assert "De samenwerking verloopt goed." in text
    assert "Concept: deze conclusies" not in text  # the analyst's text replaces the generated draft
    page = parse(out / "rendementsanalyse.html")
    titles = [t for level, t in page.headings if level == 2]
    assert not any("Inleiding" in t or "interviews" in t for t in titles)  # not written: left out, no box
    assert "inleiding.md ontbreekt" in done.stdout + done.stderr  # ... and the run says so


def test_effect_chapter_shows_the_estimates(report):
    _, r, page = report
    text = words(page)
    assert "Wat de gegevens over het effect zeggen" in text
    assert "Het meest te vertrouwen" not in text and "Met vergelijkingsgroep" not in text
    rows = {row[0]: row for row in page.tables["effect"][1:]}
    labels = (
        ("Vergelijkingsgroep (hoofdschatting)", "matched"),
        ("Per cohort", "cohort"),
        ("Vaste effecten (één effect)", "comparison"),
        ("Imputatie", "imputation"),
        ("Vóór-na", "naive"),
        ("Symmetrisch", "symmetric"),
    )
    assert list(rows) == [label for label, _ in labels]
    for label, key in labels:
        e = r["effect"][key]
        assert rows[label][2:5] == [nl_decimal(e["irr"], 2), nl_decimal(e["ci_low"], 2), nl_decimal(e["ci_high"], 2)]
    sensitivity = {row[0]: row for row in page.tables["gevoeligheid"][1:]}
    assert set(sensitivity) == {str(m) for m in range(7)}
    assert len(r["event_study"]) >= 10
    assert any(img["alt"].startswith("Staafdiagram van registraties per cliënt per maand") for img in page.images)


def test_headings_are_numbered_as_the_table_of_contents(report):
    out, _, page = report
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.DOTALL)[0]
    entries = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'<a href="#[^"]+">(.*?)</a>', toc)]
    headings = [t for level, t in page.headings if level in (2, 3) and t != "Inhoud"]
    chapters_and_parts = [t for t in headings if t in entries]
    assert chapters_and_parts == entries  # every entry is a heading on the page, in the same order
    numbered = [t for t in headings if re.match(r"\d+ ", t)]
    assert [int(t.split()[0]) for t in numbered] == list(range(1, len(numbered) + 1))
    for level, t in page.headings:  # a part is numbered under its chapter: 4.2 after 4
        if level == 3 and re.match(r"\d", t):
            assert re.match(r"\d+\.\d+ ", t), t
    assert "1 Samenvatting" in entries and "2 Leeswijzer" in entries
    assert any(t.endswith("Begrippenlijst") for t in entries)
    assert "Bijlage A. Statistische verantwoording" in entries


def test_no_placeholder_jargon_or_file_path_on_the_page(report):
    out, r, page = report
    text = words(page)
    for bad in (
        "Standaardtekst",
        "de analist schrijft",
        ".md",
        "narrative",
        "tables/",
        "figures/",
        "intern/",
        "--",
        "scipy.",
        "seed",
        "Poisson-GEE",
        "/tmp",
        "data/raw",
    ):
        assert bad not in text, bad
    assert r["provenance"]["inputs"]["bvh"]["file"].rsplit("/", 1)[-1] in text  # named, without its folder
    for term in ("BVH", "IMK", "ICO", "E-code", "p-waarde", "Regressie naar het gemiddelde", "Verhouding"):
        assert re.search(rf"<dt>[^<]*{re.escape(term)}", (out / "rendementsanalyse.html").read_text()), term
    assert "Basisvoorziening Handhaving" in text


def test_the_colophon_names_author_organisation_contact_and_date(report):
    out, r, _ = report
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    colophon = html[html.index('<section id="colofon"') :]
    rapport = r["settings"]["rapport"]
    assert rapport["auteur"] and rapport["contact"] and rapport["datum"]
    for label, value in (
        ("Auteur", rapport["auteur"]),
        ("Uitgave", rapport["organisatie"]),
        ("Contact", rapport["contact"]),
    ):
        assert f'<th scope="row">{label}</th><td>{value}</td>' in colophon
    year, _, day = rapport["datum"].split("-")
    assert f"{int(day)} " in colophon and year in colophon


def test_pdf_is_tagged_and_accessible(report):
    out, r, _ = report
    reader = PdfReader(out / "rendementsanalyse.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"  # the document language a screen reader reads it in
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged: headings, tables, figures
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == r["settings"]["rapport"]["titel"]
    assert reader.metadata.author == r["settings"]["rapport"]["auteur"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and ("<pdfuaid:part>1</pdfuaid:part>" in xmp or 'pdfuaid:part="1"' in xmp)
    assert "/Outlines" in root  # bookmarks from the numbered headings


@pytest.mark.parametrize("table_id", ["rollen", "ico_type", "perioden_per_maand"])
def test_the_new_tables_are_published_as_csv_beside_the_page(report, table_id):
    out, _, page = report
    lines = (out / "tables" / f"{table_id}.csv").read_bytes().decode("utf-8-sig").splitlines()
    html_rows = page.tables[table_id]
    assert len(lines) == len(html_rows) >= 3
    assert lines[0].split(";")[0] == html_rows[0][0]  # the same table: the same first column and rows
    assert [line.split(";")[0] for line in lines[1:]] == [row[0] for row in html_rows[1:]]


def test_the_review_of_the_published_text_holds(report):
    """What a reading as ZVH staff found: settings keys, day rates and title cross-references on the page; a
    severity mean whose kind was not named; appendix parts missing from the contents."""
    out, r, page = report
    text = words(page)
    for bad in ("(effect.primair)", "instelling 'rollen'", "per dag", "Rank-bis", "1 maanden", "1e maand", "Zie '"):
        assert bad not in text, bad
    assert "gemiddeld over de " + str(r["severity_score"]["mix"]["n_clients"]) + " cliënten" in text
    assert "Hoe groot is het effect echt" not in text
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.DOTALL)[0]
    assert "A.1 Toetsen per groep" in toc and "A.3 Verhouding per maand rond het ICO" in toc
    for term in ("Hoofdschatting", "Vaste effecten", "Imputatie", "Aanloop", "Rol", "Soort ICO", "Rangbiseriële"):
        assert re.search(rf"<dt>{re.escape(term)}", html), term
    tests = {row[0] for row in page.tables["toetsen"][1:]}
    assert set(r["by_ico_type"]) <= tests  # the ICO types are in the Holm family, so in its table


def test_the_months_during_the_ico_add_up_to_the_window(report):
    out, r, _ = report
    months = pd.read_csv(out / "tables" / "maand_voor_maand.csv", sep=";", encoding="utf-8-sig", dtype=str)
    during = months.loc[months["Maand"].str.startswith("tijdens")]
    assert during["Maand"].iloc[-1].endswith("en later")  # the long ICOs pooled, not left out
    assert during["Registraties"].astype(int).sum() == r["overall"]["tijdens"]

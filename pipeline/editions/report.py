"""The comparison report: several editions or regions side by side, in Dutch, from vergelijking.json alone."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from markupsafe import Markup

from pipeline import __version__
from pipeline.editions.compare import MARKING
from pipeline.formatting.numbers import nl_count, nl_decimal, nl_int, nl_p, nl_pct
from pipeline.formatting.table import Hidden, Table
from pipeline.report.chart import PALETTE, Chart, save, style
from pipeline.report.document import Embedded, css, environment, write_pdf
from pipeline.report.effect_words import LABELS
from pipeline.report.figures import write_figures
from pipeline.report.words import nl_date, nl_list
from schemas.editions import Comparison, Run
from schemas.results import Results

HTML_NAME = "vergelijking.html"
PDF_NAME = "vergelijking.pdf"
JSON_NAME = "vergelijking.json"


def _ratio(irr: float | None, low: float | None, high: float | None) -> str:
    if irr is None:
        return "niet te schatten"
    return f"{nl_decimal(irr, 2)} (95%-interval {nl_decimal(low, 2)} tot {nl_decimal(high, 2)})"


def _period(periode: str) -> str:
    van, tot = periode.split(" t/m ")
    return f"{nl_date(van)} t/m {nl_date(tot)}"


def _marked(x: Run) -> str:
    """The label with its marks: * another method, † the amount changed before the ICO (no effect to read)."""
    return x.label + (" *" if x.gemarkeerd else "") + (" †" if x.pretrend_passed is False else "")


def _cell(values: dict[str, float | None], key: str) -> float | Hidden | None:
    """A share or change as the table shows it: absent from the analysis ('–'), or hidden by its report ('x')."""
    if key not in values:
        return None
    return Hidden("x") if values[key] is None else values[key]


MARKS = (
    "*: gemaakt met een andere methode dan de eerste analyse (zie hoofdstuk 3); niet samengenomen. †: het aantal "
    "registraties veranderde al ruim vóór het ICO; de schatting is niet als effect te lezen."
)
PER = ("vóór", "tijdens", "na")
PRETREND = {True: "niet aangetoond", False: "ja, niet als effect te lezen", None: "niet getoetst"}


def _runs_table(c: Comparison) -> Table:
    return Table(
        "runs",
        "De analyses naast elkaar",
        ["Analyse", "Exportperiode", "Cliënten", "Registraties", "Vóór", "Na", *[f"Per maand {k}" for k in PER]],
        ["text", "text", "int", "int", "int", "int", "dec2", "dec2", "dec2"],
        [
            [_marked(x), _period(x.periode), x.n_clients, x.n_registrations, x.voor, x.na]
            + [x.per_client_per_maand.get(k) for k in ("voor", "tijdens", "na")]
            for x in c.runs
        ],
        notes=[
            "Vóór en na: de registraties in de perioden vóór en na het ICO. Per maand: registraties per cliënt per "
            "maand vóór, tijdens en na het ICO.",
            MARKS,
        ],
    )


def _estimates_table(c: Comparison) -> Table:
    rows = [
        [_marked(x), LABELS.get(x.estimator, x.estimator), x.irr, x.ci_low, x.ci_high, PRETREND[x.pretrend_passed]]
        for x in c.runs
    ]
    if c.pooled:
        rows.append(["Samengenomen", "random effects", c.pooled.irr, c.pooled.ci_low, c.pooled.ci_high, ""])
    return Table(
        "schattingen",
        "De hoofdschatting per analyse",
        ["Analyse", "Schatting", "Verhouding", "95%-interval van", "tot", "Eerdere trend"],
        ["text", "text", "dec2", "dec2", "dec2", "text"],
        rows,
        notes=[
            "Verhouding: het aantal registraties per cliënt per maand na het ICO gedeeld door het aantal dat de "
            "hoofdschatting zonder ICO verwachtte (1 = geen verandering). 'Eerdere trend': of het aantal al ruim "
            "vóór het ICO veranderde; dan is de schatting van die analyse niet als effect van het ICO te lezen. "
            "Samengenomen: met een interval volgens Hartung en Knapp, dat bij weinig analyses terecht breed is.",
            MARKS,
        ],
    )


def _side_by_side(c: Comparison, tid: str, title: str, attr: str) -> Table:
    keys = list(dict.fromkeys(k for x in c.runs for k in getattr(x, attr)))
    notes = [
        "Een streepje: de groep komt in die analyse niet voor. x: het rapport van die analyse toont haar niet (te "
        "weinig cliënten, of anders te herleiden)."
    ]
    if attr == "subgroepen":
        notes.append(
            "Een beschrijving, geen effect: ook zonder ICO daalt het aantal vaak, omdat cliënten worden aangemeld "
            "als het slecht gaat. Zonder interval of toets zijn de groepen niet onderling te vergelijken."
        )
    return Table(
        tid,
        title,
        ["", *[x.label for x in c.runs]],
        ["text", *["chg" if attr == "subgroepen" else "pct"] * len(c.runs)],
        [[k[0].upper() + k[1:], *[_cell(getattr(x, attr), k) for x in c.runs]] for k in keys],
        notes=notes,
    )


def tables(c: Comparison) -> dict[str, Table]:
    out = [
        _runs_table(c),
        _estimates_table(c),
        Table(
            "methode",
            "Wat verschilt in de methode",
            ["Kenmerk", *[x.label for x in c.runs], "Gevolg"],
            ["text"] * (len(c.runs) + 2),
            [[d.kenmerk, *[d.waarden[x.label] for x in c.runs], d.gevolg] for d in c.methode_verschillen],
            notes=["IMK-indeling: de eerste tekens van de vingerafdruk (SHA-256) van het indelingsbestand."],
        ),
        Table(
            "verschillen",
            "Verschil tussen de analyses in de hoofdschatting",
            ["Analyse A", "Analyse B", "A gedeeld door B", "95%-interval van", "tot", "p"],
            ["text", "text", "dec2", "dec2", "dec2", "p"],
            [[d.a, d.b, d.ratio, d.ci_low, d.ci_high, d.p] for d in c.verschillen],
            notes=[
                "De analyses zijn als onafhankelijke steekproeven vergeleken. Komt een cliënt in twee analyses voor "
                "(twee edities van één Zorg- en Veiligheidshuis), dan hangen hun schattingen samen, en de richting "
                "daarvan is niet bekend: de maanden na het ICO in de ene editie kunnen de maanden vóór het ICO in "
                "de volgende zijn. Het interval kan dan te breed of te smal zijn. Bij meer dan twee analyses is elk "
                "paar apart getoetst, zonder correctie voor het aantal vergelijkingen."
            ],
        ),
        _side_by_side(
            c, "e_categorieen", "E-meldingen per categorie, als aandeel van alle E-meldingen (%)", "e_aandeel"
        ),
        _side_by_side(
            c, "zwaarte", "Registraties buiten de E-meldingen per zwaarte, als aandeel (%)", "zwaarte_aandeel"
        ),
        _side_by_side(c, "subgroepen", "Verandering van vóór naar na per subgroep (%)", "subgroepen"),
        Table(
            "planning",
            f"Hoeveel cliënten een volgende editie nodig heeft ({nl_pct(c.power * 100, 0)} kans, "
            f"tweezijdig {nl_pct(c.alpha * 100, 0)})",
            ["Analyse", "Te vinden verhouding", "Cliënten nodig"],
            ["text", "dec2", "int"],
            [[p.run, p.irr, p.n_clients] for p in c.planning],
            notes=[
                f"Hoeveel cliënten een editie nodig heeft om een verandering van deze omvang met "
                f"{nl_pct(c.power * 100, 0)} kans op te merken (de kans dat een echt effect van die omvang ook "
                "gevonden wordt). Uit de standaardfout van de hoofdschatting van elke analyse, aangenomen dat die "
                "afneemt met de wortel van het aantal cliënten en dat de volgende editie op dezelfde manier wordt "
                "gemaakt. 0,80 is 20% minder registraties. Om een verschil tussen twee edities te vinden, is per "
                "editie ongeveer twee keer zoveel nodig."
            ],
        ),
    ]
    return {t.id: t for t in out}


def forest(c: Comparison) -> Chart:
    style()
    rows = [x for x in c.runs if x.irr is not None]
    n = len(rows) + (1 if c.pooled else 0)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.2))
    for i, x in enumerate(rows):
        y = n - 1 - i
        colour = "#888888" if x.gemarkeerd else PALETTE[0]
        hollow = x.pretrend_passed is False
        ax.plot([x.ci_low, x.ci_high], [y, y], color=colour, linewidth=2, linestyle=":" if hollow else "-")
        ax.plot([x.irr], [y], marker="s", color="white" if hollow else colour, markeredgecolor=colour, markersize=7)
    labels = [_marked(x) for x in rows]
    if c.pooled:
        p = c.pooled
        ax.fill([p.ci_low, p.irr, p.ci_high, p.irr], [0, 0.25, 0, -0.25], color=PALETTE[5])
        labels.append("Samengenomen")
    ax.axvline(1.0, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(range(n), labels[::-1])
    ax.set_xlabel("Verhouding na het ICO / vergelijking (1 = geen verandering)")
    ax.set_title("Hoofdschatting per analyse, met 95%-interval")
    parts = "; ".join(f"{x.label}: {_ratio(x.irr, x.ci_low, x.ci_high)}" for x in rows)
    pooled = f"; samengenomen: {_ratio(c.pooled.irr, c.pooled.ci_low, c.pooled.ci_high)}" if c.pooled else ""
    return Chart(
        "forest",
        "De hoofdschatting van elke analyse met haar 95%-interval; onderaan de samengenomen schatting (ruit) van "
        "de analyses met dezelfde methode. Grijs met *: een andere methode, niet samengenomen. Open punt en "
        "stippellijn met †: het aantal veranderde al vóór het ICO, dus geen effect te lezen.",
        f"Forestplot. {parts}{pooled}.",
        *save(fig),
    )


def sentences(c: Comparison) -> list[str]:
    """What the comparison shows, each sentence conditioned on its numbers."""
    out = [
        f"Deze vergelijking zet {nl_count(len(c.runs))} analyses naast elkaar: "
        + "; ".join(f"{x.label} ({nl_int(x.n_clients)} cliënten)" for x in c.runs)
        + ". Alles komt uit de results.json van elke analyse; er zijn geen gegevens op persoonsniveau gebruikt."
    ]
    marked = [x.label for x in c.runs if x.gemarkeerd]
    if c.methode_verschillen:
        kinds = nl_list([d.kenmerk for d in c.methode_verschillen])
        out.append(
            f"De analyses verschillen in hun methode ({kinds}); hoofdstuk 3 zegt welke vergelijkingen dat raakt."
            + (
                f" {nl_list(marked)} {'is' if len(marked) == 1 else 'zijn'} daarom gemarkeerd en niet "
                f"samengenomen met {c.referentie}."
                if marked
                else ""
            )
        )
    else:
        out.append(f"Alle analyses zijn met dezelfde methode gemaakt ({nl_list(list(MARKING))}).")
    if len({x.periode for x in c.runs}) > 1:
        out.append(
            "De analyses beslaan niet dezelfde jaren. Een verschil tussen edities kan ook komen door wat er in die "
            "jaren anders was (zoals de coronamaatregelen in 2020 en 2021, of de werkwijze van de politie), niet "
            "alleen door het ICO."
        )
    failed = [x.label for x in c.runs if x.pretrend_passed is False]
    if failed:
        out.append(
            f"Bij {nl_list(failed)} veranderde het aantal registraties al ruim vóór het ICO (†): die schatting is "
            "niet als effect van het ICO te lezen, en een verschil met een andere analyse dus ook niet als verschil "
            "in effect."
        )
    p = c.pooled
    if p is not None:
        spread = (
            "De analyses verschillen meer dan toeval verklaart"
            if p.p_heterogeniteit < c.alpha
            else "De analyses verschillen niet meer dan toeval kan verklaren"
        )
        unreliable = [x.label for x in c.runs if x.label in p.runs and x.pretrend_passed is False]
        prediction = (
            f" Een volgende analyse kan, gezien deze spreiding, uitkomen tussen {nl_decimal(p.voorspelling_low, 2)} "
            f"en {nl_decimal(p.voorspelling_high, 2)}."
            if p.voorspelling_low is not None
            else ""
        )
        out.append(
            f"Samengenomen ({nl_count(p.n_runs)} analyses met dezelfde methode, random effects): "
            f"{_ratio(p.irr, p.ci_low, p.ci_high)}. {spread}: I² = {nl_pct(p.i2 * 100, 0)} van de verschillen "
            f"tussen de analyses is groter dan door toeval te verwachten (toets op verschil "
            f"{nl_p(p.p_heterogeniteit)}). "
            "Bij veel verschil is het samengenomen getal een gemiddelde over ongelijke analyses, geen schatting "
            f"voor elke analyse.{prediction}"
            + (
                f" Daarin telt ook {nl_list(unreliable)} mee, waarvan de schatting geen effect is (eerdere trend); "
                "het samengenomen getal is daarom evenmin als effect van het ICO te lezen."
                if unreliable
                else ""
            )
        )
    by_label = {x.label: x for x in c.runs}
    for d in c.verschillen:
        verdict = "verschillen" if d.p < c.alpha else "verschillen niet aantoonbaar"
        caveat = [x for x in (d.a, d.b) if by_label[x].pretrend_passed is False or by_label[x].gemarkeerd]
        out.append(
            f"{d.a} tegenover {d.b}: de hoofdschattingen {verdict} (verhouding {nl_decimal(d.ratio, 2)}, "
            f"95%-interval {nl_decimal(d.ci_low, 2)} tot {nl_decimal(d.ci_high, 2)}; {nl_p(d.p)})"
            + (
                f"; geen verschil in effect, want bij {nl_list(caveat)} is de schatting geen effect of met een "
                "andere methode gemaakt."
                if caveat
                else "."
            )
        )
    return out


def render_comparison(c: Comparison, latest: Results, out: Path, pdf: bool = True) -> list[Path]:
    """Write the comparison report into `out` (a fresh folder): HTML, PDF, tables as CSV, figure, JSON."""
    out = Path(out)
    made = tables(c)
    chart = forest(c)
    written = write_figures({chart.id: chart}, out / "figures")
    (out / "tables").mkdir(parents=True, exist_ok=True)
    for table in made.values():
        path = out / "tables" / f"{table.id}.csv"
        path.write_bytes(table.to_csv())
        written.append(path)
    synthetic = latest.provenance.synthetic
    html = (
        environment()
        .get_template("vergelijking.html")
        .render(
            css=Markup(css(synthetic)),
            version=__version__,
            synthetic=synthetic,
            title="Vergelijking van edities en regio's: rendementsanalyse ICO",
            author="rendementsanalyse",
            organisation=", ".join(dict.fromkeys(x.organisatie for x in c.runs)),
            text=sentences(c),
            same=f"De analyses zijn met dezelfde methode gemaakt: {nl_list(list(MARKING))} zijn gelijk.",
            tables=made,
            figures={chart.id: Embedded(chart)},
        )
    )
    (out / HTML_NAME).write_text(html, encoding="utf-8")
    written.append(out / HTML_NAME)
    if pdf:
        write_pdf(html, out / PDF_NAME, latest)
        written.append(out / PDF_NAME)
    (out / JSON_NAME).write_text(c.model_dump_json(indent=2) + "\n", encoding="utf-8")
    written.append(out / JSON_NAME)
    return written

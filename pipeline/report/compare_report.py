"""The comparison report: several editions or regions side by side, in Dutch, from vergelijking.json alone."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from markupsafe import Markup

from pipeline import __version__
from pipeline.report.chart import PALETTE, Chart, save, style
from pipeline.report.effect_text import LABELS
from pipeline.report.figures import write_figures
from pipeline.report.formatting import nl_count, nl_decimal, nl_int, nl_p, nl_pct
from pipeline.report.render import _css, _Embedded, environment, write_pdf
from pipeline.report.table import Table
from pipeline.report.text import nl_list
from schemas.comparison import Comparison, Run
from schemas.results import Results

HTML_NAME = "vergelijking.html"
PDF_NAME = "vergelijking.pdf"
JSON_NAME = "vergelijking.json"


def _ratio(irr: float | None, low: float | None, high: float | None) -> str:
    if irr is None:
        return "niet te schatten"
    return f"{nl_decimal(irr, 2)} (95%-interval {nl_decimal(low, 2)} tot {nl_decimal(high, 2)})"


def _marked(x: Run) -> str:
    return x.label + (" *" if x.gemarkeerd else "")


def tables(c: Comparison) -> dict[str, Table]:
    runs = c.runs
    marked_note = [
        "*: gemaakt met een andere methode dan de eerste run (zie de methodevergelijking); niet samengenomen."
    ]
    out = [
        Table(
            "runs",
            "De runs naast elkaar",
            [
                "Run",
                "Exportperiode",
                "Cliënten",
                "Registraties",
                "Vóór",
                "Na",
                "Per maand vóór",
                "Per maand tijdens",
                "Per maand na",
            ],
            ["text", "text", "int", "int", "int", "int", "dec2", "dec2", "dec2"],
            [
                [
                    _marked(x),
                    x.periode,
                    x.n_clients,
                    x.n_registrations,
                    x.voor,
                    x.na,
                    x.per_client_per_maand.get("voor"),
                    x.per_client_per_maand.get("tijdens"),
                    x.per_client_per_maand.get("na"),
                ]
                for x in runs
            ],
            notes=["Per maand: registraties per cliënt per maand in die periode.", *marked_note],
        ),
        Table(
            "schattingen",
            "De hoofdschatting per run",
            ["Run", "Schatting", "Verhouding", "95%-interval van", "tot", "Eerdere trend"],
            ["text", "text", "dec2", "dec2", "dec2", "text"],
            [
                [
                    _marked(x),
                    LABELS.get(x.estimator, x.estimator),
                    x.irr,
                    x.ci_low,
                    x.ci_high,
                    {True: "geen aangetoond", False: "ja: geen effect te lezen", None: "niet getoetst"}[
                        x.pretrend_passed
                    ],
                ]
                for x in runs
            ]
            + (
                [["Samengenomen (random effects)", "", c.pooled.irr, c.pooled.ci_low, c.pooled.ci_high, ""]]
                if c.pooled
                else []
            ),
            notes=[
                "Verhouding: het aantal registraties per cliënt per maand na het ICO gedeeld door de vergelijking van "
                "de hoofdschatting (1 = geen verandering). 'Eerdere trend': of het aantal al ruim vóór het ICO "
                "veranderde; dan is de schatting van die run niet als effect van het ICO te lezen.",
                *marked_note,
            ],
        ),
        Table(
            "methode",
            "Wat verschilt in de methode",
            ["Kenmerk", *[x.label for x in runs], "Gevolg"],
            ["text"] * (len(runs) + 2),
            [[d.kenmerk, *[d.waarden[x.label] for x in runs], d.gevolg] for d in c.methode_verschillen],
            notes=["IMK-indeling: de eerste tekens van de vingerafdruk (SHA-256) van de indeling."],
        ),
        Table(
            "verschillen",
            "Verschil tussen de runs in de hoofdschatting",
            ["Run A", "Run B", "A gedeeld door B", "95%-interval van", "tot", "p"],
            ["text", "text", "dec2", "dec2", "dec2", "p"],
            [[d.a, d.b, d.ratio, d.ci_low, d.ci_high, d.p] for d in c.verschillen],
            notes=[
                "De runs zijn als onafhankelijke steekproeven vergeleken. Komt een cliënt in twee runs voor, dan "
                "hangen hun schattingen samen en is het werkelijke interval van het verschil smaller: deze toets is "
                "dan voorzichtig (hij vindt een verschil eerder te weinig dan te vaak)."
            ],
        ),
    ]
    for tid, title, attr in (
        ("e_categorieen", "E-meldingen per categorie, als aandeel van alle E-meldingen (%)", "e_aandeel"),
        ("zwaarte", "Registraties buiten de E-meldingen per zwaarte, als aandeel (%)", "zwaarte_aandeel"),
        ("subgroepen", "Verandering van vóór naar na per subgroep (%)", "subgroepen"),
    ):
        keys = list(dict.fromkeys(k for x in runs for k in getattr(x, attr)))
        out.append(
            Table(
                tid,
                title,
                ["", *[x.label for x in runs]],
                ["text", *["chg" if attr == "subgroepen" else "pct"] * len(runs)],
                [[k[0].upper() + k[1:], *[getattr(x, attr).get(k) for x in runs]] for k in keys],
                notes=["Een streepje: de groep komt in die run niet voor, of haar rapport toont haar niet (te klein)."],
            )
        )
    out.append(
        Table(
            "planning",
            f"Hoeveel cliënten een volgende editie nodig heeft ({nl_pct(c.power * 100, 0)} kans, "
            f"tweezijdig {nl_pct(c.alpha * 100, 0)})",
            ["Run", "Te vinden verhouding", "Cliënten nodig"],
            ["text", "dec2", "int"],
            [[p.run, p.irr, p.n_clients] for p in c.planning],
            notes=[
                "Uit de standaardfout van de hoofdschatting van elke run, aangenomen dat die afneemt met de wortel "
                "van het aantal cliënten en dat de volgende editie op dezelfde manier wordt gemaakt. 0,80 is 20% "
                "minder registraties."
            ],
        )
    )
    return {t.id: t for t in out}


def forest(c: Comparison) -> Chart:
    style()
    rows = [x for x in c.runs if x.irr is not None]
    n = len(rows) + (1 if c.pooled else 0)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.2))
    for i, x in enumerate(rows):
        y = n - 1 - i
        colour = "#888888" if x.gemarkeerd else PALETTE[0]
        ax.plot([x.ci_low, x.ci_high], [y, y], color=colour, linewidth=2)
        ax.plot([x.irr], [y], marker="s", color=colour, markersize=7)
    labels = [_marked(x) for x in rows]
    if c.pooled:
        p = c.pooled
        ax.fill([p.ci_low, p.irr, p.ci_high, p.irr], [0, 0.25, 0, -0.25], color=PALETTE[5])
        labels.append("Samengenomen")
    ax.axvline(1.0, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(range(n), labels[::-1])
    ax.set_xlabel("Verhouding na het ICO / vergelijking (1 = geen verandering)")
    ax.set_title("Hoofdschatting per run, met 95%-interval")
    parts = "; ".join(f"{x.label}: {_ratio(x.irr, x.ci_low, x.ci_high)}" for x in rows)
    pooled = f"; samengenomen: {_ratio(c.pooled.irr, c.pooled.ci_low, c.pooled.ci_high)}" if c.pooled else ""
    return Chart(
        "forest",
        "De hoofdschatting van elke run met haar 95%-interval; onderaan de samengenomen schatting (ruit) van de "
        "runs met dezelfde methode. Grijs met *: een andere methode, niet samengenomen.",
        f"Forestplot. {parts}{pooled}.",
        *save(fig),
    )


def sentences(c: Comparison) -> list[str]:
    """What the comparison shows, each sentence conditioned on its numbers."""
    out = [
        f"Deze vergelijking zet {nl_count(len(c.runs))} runs naast elkaar: "
        + "; ".join(f"{x.label} ({nl_int(x.n_clients)} cliënten)" for x in c.runs)
        + ". Alles komt uit de results.json van elke run; er zijn geen gegevens over personen gebruikt."
    ]
    marked = [x.label for x in c.runs if x.gemarkeerd]
    if c.methode_verschillen:
        kinds = ", ".join(d.kenmerk for d in c.methode_verschillen)
        out.append(
            f"De runs verschillen in hun methode ({kinds}); de tabel 'Wat verschilt in de methode' zegt welke "
            "vergelijkingen dat raakt."
            + (
                f" {nl_list(marked)} {'is' if len(marked) == 1 else 'zijn'} daarom gemarkeerd en niet "
                f"samengenomen met {c.referentie}."
                if marked
                else ""
            )
        )
    else:
        out.append("Alle runs zijn met dezelfde methode gemaakt (indeling, perioden, rollen en hoofdschatting).")
    failed = [x.label for x in c.runs if x.pretrend_passed is False]
    if failed:
        out.append(
            f"Bij {nl_list(failed)} veranderde het aantal registraties al ruim vóór het ICO: die schatting is niet "
            "als effect van het ICO te lezen, en een verschil met een andere run dus ook niet als verschil in effect."
        )
    p = c.pooled
    if p is not None:
        spread = (
            "De runs verschillen meer dan toeval verklaart"
            if p.p_heterogeniteit < c.alpha
            else "De runs verschillen niet meer dan toeval kan verklaren"
        )
        unreliable = [x.label for x in c.runs if x.label in p.runs and x.pretrend_passed is False]
        out.append(
            f"Samengenomen ({nl_count(p.n_runs)} runs met dezelfde methode, random effects): "
            f"{_ratio(p.irr, p.ci_low, p.ci_high)}. "
            f"{spread} (I² = {nl_pct(p.i2 * 100, 0)}: zo'n deel van de spreiding tussen de runs is meer dan "
            f"toeval; toets op verschil {nl_p(p.p_heterogeniteit)}). Bij veel verschil is het samengenomen getal "
            "een gemiddelde over ongelijke runs, geen schatting voor elke run."
            + (
                f" Daarin telt ook {nl_list(unreliable)} mee, waarvan de schatting geen effect is (eerdere trend); "
                "het samengenomen getal is daarom evenmin als effect van het ICO te lezen."
                if unreliable
                else ""
            )
        )
    for d in c.verschillen:
        verdict = "verschilt" if d.p < c.alpha else "verschilt niet aantoonbaar"
        out.append(
            f"{d.a} tegenover {d.b}: de hoofdschatting {verdict} (verhouding {_ratio(d.ratio, d.ci_low, d.ci_high)}, "
            f"{nl_p(d.p)})."
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
            css=Markup(_css(synthetic)),
            version=__version__,
            synthetic=synthetic,
            title="Vergelijking van edities en regio's: rendementsanalyse ICO",
            author="rendementsanalyse",
            organisation=", ".join(dict.fromkeys(x.organisatie for x in c.runs)),
            text=sentences(c),
            tables=made,
            figures={chart.id: _Embedded(chart)},
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

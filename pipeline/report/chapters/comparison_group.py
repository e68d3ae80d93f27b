"""The effect chapter's section on the matched comparison group (issue 12): who the comparison persons are, how
they were chosen, how alike they are (balance table and love plot), what the comparison shows, and what it
still cannot rule out. Counts of clients below the publication minimum are said as 'minder dan k'."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import nl_decimal, nl_int
from pipeline.formatting.table import Table
from pipeline.report.chart import PALETTE, Chart
from pipeline.report.chart import save as _save
from pipeline.report.effect_words import change_words, interval_verdict, ratio
from pipeline.report.figures import Drawn
from pipeline.report.outline import Outline
from schemas.results import Matching, Results

FEATURE_NAMES = {
    "maanden_12_7": "Registraties in maand 12 tot 7 vóór de start",
    "maanden_6_4": "Registraties in maand 6 tot 4 vóór de start",
    "maanden_3_1": "Registraties in maand 3 tot 1 vóór de start",
    "e_aandeel": "Aandeel E-meldingen (12 maanden vóór de start)",
    "zwaartescore": "Zwaartescore (12 maanden vóór de start)",
    "leeftijd": "Leeftijd",
}


REASON_WORDS = {
    "cliënt zonder registraties in de 12 maanden vóór de start": "zonder registraties in de 12 maanden vóór de "
    "start (voor hen kiest de methode geen vergelijkingspersonen: die moeten juist registraties in die maanden "
    "hebben)",
    "geen kandidaat met registraties": "zonder één persoon van hetzelfde geslacht en ongeveer dezelfde leeftijd "
    "met registraties in de 12 maanden ervoor",
    "geen kandidaat binnen de caliper": "zonder een persoon die genoeg op hen leek",
}


def few_unmatched(r: Results, p: Protection) -> bool:
    """Fewer clients unmatched than the publication minimum (but some): then the matched clients' number and
    their registrations are not shown, or the unmatched few could be told by subtraction."""
    m = r.matching
    return m is not None and 0 < sum(m.ongematcht.values()) < p.k


def _count(n: int, p: Protection) -> str:
    return f"minder dan {p.k}" if 0 < n < p.k else nl_int(n)


def _max_smd(r: Results) -> float:
    return r.settings.vergelijkingsgroep.max_smd


def balance_failed(r: Results) -> bool:
    """Whether the comparison group is not alike enough to be read: a variable apart by more than the limit
    after matching, or no balance to show."""
    m = r.matching
    return m is not None and (m.max_abs_smd is None or m.max_abs_smd > _max_smd(r))


def _who(m: Matching, p: Protection) -> str:
    used = m.export.rijen_gebruikt
    also = (
        f" {_count(m.personen_ook_client, p).capitalize()} van hen staan ook op de cliëntenlijst; zij tellen "
        f"als cliënt, niet als vergelijkingspersoon. De anderen zijn niet in een ICO besproken."
        if m.personen_ook_client
        else " Geen van hen staat op de cliëntenlijst: zij zijn niet in een ICO besproken."
    )
    return (
        f"Naast de registraties van de cliënten leverde de politie, onder dezelfde pseudoniemen, die van "
        f"{nl_int(m.personen)} personen die zij in de exportperiode kende ({nl_int(used)} registraties van wie "
        f"geen cliënt is).{also} Zo is te zien wat er in dezelfde maanden gebeurde met mensen die "
        f"op het moment van aanmelding op de cliënten leken."
    )


def _later(r: Results, m: Matching) -> str:
    months = r.settings.vergelijkingsgroep.latere_clienten_na_maanden
    if months is None:
        return " Wie later zelf in een ICO besproken werd, is nooit vergelijkingspersoon."
    after = "later begon" if months == 0 else f"pas meer dan {nl_int(months)} maanden later begon"
    used = (
        f"dat gebeurde {nl_int(m.latere_clienten_als_controle)} keer"
        if m.latere_clienten_als_controle
        else "dat gebeurde niet"
    )
    return (
        f" Een uitzondering op 'wie op de cliëntenlijst staat, telt als cliënt': een cliënt wiens eigen ICO "
        f"{after}, kon vergelijkingspersoon zijn tot de dag vóór die eigen start ({used}). Zonder hen zouden de "
        f"vergelijkingspersonen juist de mensen zijn van wie al bekend is dat zij later niet zijn aangemeld."
    )


def _how(r: Results, m: Matching, p: Protection) -> str:
    s = r.settings.vergelijkingsgroep
    narrowed = ""
    if m.caliper_versmallingen:
        lost = (
            f" Daardoor kregen {_count(m.ongematcht_door_versmallen, p)} cliënten geen vergelijkingsgroep die er "
            f"met de ruimere grens wel een hadden."
            if m.ongematcht_door_versmallen
            else " Daardoor viel geen cliënt af."
        )
        narrowed = (
            f" Die grens is {nl_int(m.caliper_versmallingen)} keer smaller gemaakt, van "
            f"{nl_decimal(s.caliper, 2)} naar {nl_decimal(m.caliper, 2)}, tot geen kenmerk na het koppelen meer "
            f"dan {nl_decimal(s.max_smd, 2)} standaardafwijking verschilde; alleen de kenmerken vóór de start "
            f"beslisten daarover, nooit een uitkomst.{lost}"
        )
    return (
        f"Voor elke cliënt is gezocht op de dag dat zijn ICO begon: personen van hetzelfde geslacht, hooguit "
        f"{nl_int(s.leeftijdsband)} jaar ouder of jonger, met ook registraties in de 12 maanden daarvóór. Daaruit "
        f"zijn de {nl_int(s.k)} personen gekozen met het meest gelijke verloop van die registraties: het aantal in "
        f"maand 12 tot 7, 6 tot 4 en 3 tot 1 vóór die dag, het aandeel E-meldingen en de zwaartescore; liggen er "
        f"meer personen even dicht bij, dan tellen zij allemaal mee (hier gemiddeld "
        f"{nl_decimal(m.koppelingen / max(m.gematcht, 1), 1)} per cliënt). Wie te veel van de cliënt verschilde "
        f"(gemiddeld per kenmerk verder dan "
        f"{nl_decimal(m.caliper, 2)} standaardafwijking, gemeten over de kenmerken samen), telt "
        f"niet mee.{narrowed} Eén persoon kan bij meer cliënten horen (hier hooguit bij {nl_int(m.hergebruik_max)}); "
        f"elke cliënt telt even zwaar als zijn vergelijkingspersonen samen. Een vergelijkingspersoon krijgt de datum "
        f"van start en einde van zijn cliënt: zijn 'vóór' en 'na' zijn dezelfde maanden.{_later(r, m)}"
    )


def _matched(m: Matching, p: Protection) -> str:
    unmatched = sum(m.ongematcht.values())
    if unmatched == 0:
        return (
            f"Alle {nl_int(m.clients)} vergeleken cliënten kregen een vergelijkingsgroep, samen "
            f"{nl_int(m.controles)} verschillende personen."
        )
    reasons = "; ".join(f"{_count(n, p)} {REASON_WORDS.get(k, k)}" for k, n in m.ongematcht.items() if n)
    matched = (
        f"op minder dan {p.k} na alle {nl_int(m.clients)}"
        if unmatched < p.k
        else f"{nl_int(m.gematcht)} van de {nl_int(m.clients)}"
    )
    return (
        f"Een vergelijkingsgroep kregen {matched} vergeleken cliënten, samen met {nl_int(m.controles)} "
        f"verschillende personen. Geen vergelijkingsgroep: {reasons}. De vergelijking gaat alleen over de "
        f"gekoppelde cliënten; wie niet gekoppeld is, kan anders veranderd zijn."
    )


def _alike(r: Results, m: Matching, figure: str) -> str:
    shown = [b for b in m.balance if b.smd_na is not None and b.smd_voor is not None]
    if not shown:
        return "Hoe gelijk de groepen zijn, is niet te zeggen: er is niets gekoppeld."
    before = max(shown, key=lambda b: abs(b.smd_voor))
    worst = max(shown, key=lambda b: abs(b.smd_na))
    limit = _max_smd(r)
    text = (
        f"Hoe gelijk ze zijn, staat in de tabel en {figure}: per kenmerk het verschil tussen de cliënten en hun "
        f"vergelijkingsgroep, in standaardafwijkingen (het gestandaardiseerde verschil). Vóór het koppelen "
        f"verschilden de cliënten van alle personen die in aanmerking kwamen het meest in "
        f"'{FEATURE_NAMES.get(before.kenmerk, before.kenmerk).lower()}' ({nl_decimal(before.smd_voor, 2)}); na "
        f"het koppelen is het grootste verschil {nl_decimal(abs(worst.smd_na), 2)} "
        f"('{FEATURE_NAMES.get(worst.kenmerk, worst.kenmerk).lower()}')."
    )
    if abs(worst.smd_na) > limit:
        return text + (
            f" Waarschuwing: dat is meer dan de gangbare grens van {nl_decimal(limit, 2)}. De groepen lijken niet "
            f"genoeg op elkaar, en de uitkomst hieronder is daarom geen betrouwbare schatting van het effect."
        )
    return text + f" Dat valt binnen de gangbare grens van {nl_decimal(limit, 2)}."


def _shows(r: Results, p: Protection) -> list[str]:
    e = r.effect.matched
    if e is None or e.irr is None:
        reason = f" ({e.reden})" if e is not None and e.reden else ""
        return [f"Een uitkomst van de vergelijking is met deze gegevens niet te berekenen{reason}."]
    lead = "Uitkomst" if not balance_failed(r) else "Uitkomst, met die waarschuwing"
    lng = r.settings.vensters.lang_maanden
    counts = (
        ""
        if few_unmatched(r, p)
        else f"De gekoppelde cliënten hadden {nl_int(e.registraties_clients_voor)} registraties in de {lng} "
        f"maanden vóór en {nl_int(e.registraties_clients_na)} in de {lng} maanden na het ICO; hun "
        f"vergelijkingsgroepen, elke groep samen als één persoon geteld, afgerond "
        f"{nl_int(round(e.registraties_controles_voor))} en {nl_int(round(e.registraties_controles_na))} in "
        f"dezelfde maanden. "
    ) + (
        f"De periode vóór telt hier helemaal mee, ook de aanloop van {r.settings.anticipatie_maanden} maanden: de "
        f"vergelijkingspersonen hadden dezelfde aanloop, want daarop is gekoppeld. "
        + (
            "De schatting houdt ook rekening met de verschillen in het verloop vóór de start die na het koppelen "
            "overbleven."
            if e.aangepast is not False
            else "De schatting houdt geen rekening met de verschillen in het verloop vóór de start die na het "
            "koppelen overbleven: daarvoor waren er te weinig registraties. Zij berust op het koppelen alleen."
        )
    )
    return [
        f"{lead}: de cliënten hadden na het ICO {change_words(e.irr)} dan hun vergelijkingsgroep in dezelfde "
        f"maanden liet verwachten, een verhouding van {ratio(e)}. {interval_verdict(e)}",
        counts,
    ]


def _cannot(r: Results) -> str:
    return (
        "Wat deze vergelijking niet uitsluit: cliënten kunnen verschillen op wat de politie niet registreert, "
        "zoals zorgen van familie, wijkteam of GGZ, huisvesting of verslaving, en juist daarom zijn aangemeld. "
        "Hoe de cliënten zonder ICO verder waren gegaan, kan daardoor anders zijn dan bij hun vergelijkingsgroep. "
        "Ook kunnen vergelijkingspersonen in dezelfde tijd andere hulp, zorg of straf hebben gekregen: de "
        "vergelijking is die met de gewone gang van zaken, niet met niets doen. En zij telt alleen wat de "
        "politie registreerde; detentie, opname of verhuizing zijn voor de vergelijkingspersonen niet bekend."
    )


def matching_text(r: Results, p: Protection, figure: str) -> dict[str, list[str]]:
    """The paragraphs of the section, or none without a comparison group."""
    m = r.matching
    if m is None:
        return {}
    if not _publishable(r, p):
        return {
            "who": [_who(m, p)],
            "alike": [
                f"Minder dan {p.k} cliënten kregen een vergelijkingsgroep: te weinig om de vergelijking te tonen."
            ],
            "shows": [],
            "cannot": [],
        }
    return {
        "who": [_who(m, p), _how(r, m, p), _matched(m, p)],
        "alike": [_alike(r, m, figure)],
        "shows": _shows(r, p),
        "cannot": [_cannot(r)],
    }


def _publishable(r: Results, p: Protection) -> bool:
    """Means and monthly rates of the matched clients only when they are at least the publication minimum."""
    return r.matching is not None and r.matching.gematcht >= p.k


def balance_table(r: Results, p: Protection) -> Table | None:
    m = r.matching
    if not _publishable(r, p):
        return None
    rows = [
        [
            FEATURE_NAMES.get(b.kenmerk, b.kenmerk),
            b.gemiddelde_clients_gematcht,
            b.gemiddelde_controles,
            b.gemiddelde_kandidaten,
            b.smd_voor,
            b.smd_na,
        ]
        for b in m.balance
    ]
    return Table(
        "vergelijkingsgroep_balans",
        "Hoe gelijk zijn cliënten en vergelijkingsgroep op de dag van de start?",
        [
            "Kenmerk",
            "Gekoppelde cliënten (gemiddeld)",
            "Vergelijkingsgroep (gemiddeld)",
            "Alle personen die in aanmerking kwamen (gemiddeld)",
            "Verschil vóór koppelen (sd)",
            "Verschil na koppelen (sd)",
        ],
        ["text", "dec2", "dec2", "dec2", "dec2", "dec2"],
        rows,
        notes=[
            "Verschil (sd): het gestandaardiseerde verschil, (gemiddelde cliënten − gemiddelde van de anderen) gedeeld "
            "door de standaardafwijking van beide groepen samen vóór het koppelen; vóór en na op dezelfde schaal. "
            f"Onder {nl_decimal(_max_smd(r), 2)} (in absolute waarde) heet een verschil klein. 'Vóór koppelen' "
            "vergelijkt alle vergeleken cliënten (ook wie niet gekoppeld is) met alle personen die op hun startdag "
            "in aanmerking kwamen, elke cliënt met zijn eigen groep even zwaar; 'na koppelen' de gekoppelde "
            "cliënten met hun vergelijkingsgroep, waarin elke groep samen telt als één persoon.",
        ],
    )


def months_table(r: Results, p: Protection) -> Table | None:
    m = r.matching
    if not _publishable(r, p) or not m.maanden:
        return None
    rows = [[_month_label(x.referentie, x.maand), x.clients, x.controles] for x in m.maanden]
    return Table(
        "vergelijkingsgroep_maanden",
        "Registraties per maand: gekoppelde cliënten en hun vergelijkingsgroep",
        ["Maand", "Gekoppelde cliënten", "Vergelijkingsgroep"],
        ["text", "dec2", "dec2"],
        rows,
        notes=["Registraties per persoon per maand; de vergelijkingsgroep van elke cliënt telt als één persoon."],
    )


def _month_label(referentie: str, maand: int) -> str:
    return f"{-maand} vóór de start" if referentie == "start" else f"{maand} na het einde"


def love_plot(r: Results, p: Protection) -> Chart | None:
    m = r.matching
    if not _publishable(r, p):
        return None
    rows = [b for b in m.balance if b.smd_voor is not None]
    limit = _max_smd(r)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.4))
    for i, b in enumerate(rows):
        y = len(rows) - 1 - i
        ax.plot([b.smd_voor], [y], marker="o", markersize=8, color="white", markeredgecolor=PALETTE[0])
        if b.smd_na is not None:
            ax.plot([b.smd_na], [y], marker="o", markersize=8, color=PALETTE[5], markeredgecolor="black")
    for x in (-limit, limit):
        ax.axvline(x, color="black", linewidth=0.8, linestyle=":")
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(range(len(rows)), [FEATURE_NAMES.get(b.kenmerk, b.kenmerk) for b in rows][::-1])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_decimal(v, 1)))
    ax.set_xlabel("Gestandaardiseerd verschil cliënten − anderen (open: vóór koppelen, dicht: erna)")
    ax.set_title("Verschil per kenmerk vóór en na het koppelen")
    words = "; ".join(
        f"{FEATURE_NAMES.get(b.kenmerk, b.kenmerk)}: vóór {nl_decimal(b.smd_voor, 2)}, na "
        f"{nl_decimal(b.smd_na, 2) if b.smd_na is not None else 'niet gekoppeld'}"
        for b in rows
    )
    return Chart(
        "vergelijkingsgroep_balans",
        f"Per kenmerk het verschil tussen cliënten en de anderen, in standaardafwijkingen: open rondjes vóór het "
        f"koppelen (alle personen die in aanmerking kwamen), dichte erna (de vergelijkingsgroep). Tussen de "
        f"stippellijnen (±{nl_decimal(limit, 2)}) heet een verschil klein.",
        f"Puntdiagram (love plot). {words}.",
        *_save(fig),
    )


def months_chart(r: Results, p: Protection) -> Chart | None:
    m = r.matching
    if not _publishable(r, p) or not m.maanden:
        return None
    before = [x for x in m.maanden if x.referentie == "start"]
    after = [x for x in m.maanden if x.referentie == "eind"]
    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    positions = {id(x): i for i, x in enumerate(before)} | {id(x): len(before) + 1 + i for i, x in enumerate(after)}
    for part in (before, after):
        xs = [positions[id(x)] for x in part]
        ax.plot(xs, [x.clients or 0 for x in part], marker="o", color=PALETTE[5], label="Gekoppelde cliënten")
        ax.plot(
            xs,
            [x.controles or 0 for x in part],
            marker="s",
            color=PALETTE[0],
            linestyle="--",
            label="Vergelijkingsgroep",
        )
    ax.set_ylim(bottom=0)
    ax.axvspan(len(before) - 0.5, len(before) + 0.5, color="#dddddd")
    ax.annotate("ICO", (len(before), 0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8.5)
    labels = [f"{x.maand}".replace("-", "\u2212") for x in before] + ["ICO"] + [f"+{x.maand}" for x in after]
    ax.set_xticks(range(len(labels)), labels)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_decimal(v, 2)))
    ax.set_ylabel("Registraties per persoon per maand")
    ax.set_xlabel("Maanden vóór de start (−) en na het einde (+) van het ICO van de cliënt")
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[:2], names[:2], frameon=False, fontsize=8.5)
    ax.set_title("Cliënten en hun vergelijkingsgroep, maand voor maand")
    words = "; ".join(
        f"{_month_label(x.referentie, x.maand)}: cliënten {nl_decimal(x.clients, 2)}, vergelijkingsgroep "
        f"{nl_decimal(x.controles, 2)}"
        for x in m.maanden
    )
    return Chart(
        "vergelijkingsgroep_maanden",
        "Registraties per persoon per maand van de gekoppelde cliënten en van hun vergelijkingsgroep, in de maanden "
        "vóór de start en na het einde van het ICO van de cliënt (de maanden van het ICO zelf zijn weggelaten, "
        "omdat ICO's verschillend lang duren). Vóór de start liggen de lijnen dicht bij elkaar omdat daarop is "
        "gekoppeld; dat is dus geen toets. Na het einde laat het verschil zien wat het ICO zou kunnen hebben gedaan.",
        f"Lijndiagram. {words}.",
        *_save(fig),
    )


TABLES = [balance_table, months_table]  # only with a comparison group: None without
FIGURES = (
    Drawn(id="vergelijkingsgroep_balans", draw=love_plot),
    Drawn(id="vergelijkingsgroep_maanden", draw=months_chart),
)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"matching": matching_text(r, p, "de figuur hieronder")}

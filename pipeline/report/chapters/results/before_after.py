"""Resultaten: before, during and after the ICO (counts and rates per window) and the change groups."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_decimal, nl_int, nl_pct, share
from pipeline.formatting.table import Table
from pipeline.report.chart import HATCHES, PALETTE, Chart
from pipeline.report.chart import save as _save
from pipeline.report.figures import Drawn, left_out_note
from pipeline.report.findings import large_fall
from pipeline.report.outline import Outline
from pipeline.report.tables import change_labels, hidden_notes, masked_row
from pipeline.report.words import count_words
from schemas.results import ChangeGroup, Results


def windows_table(r: Results, p: Protection) -> Table:
    total = sum(r.windows.values())
    rows = [masked_row([w[0].upper() + w[1:], n, share(n, total)], p.windows.get(w)) for w, n in r.windows.items()]
    rows.append(["Totaal", total, share(total, total)])
    return Table(
        "vensters",
        "Registraties voor, tijdens en na het ICO",
        ["Periode", "Aantal", "Percentage"],
        ["text", "int", "pct"],
        rows,
        total_row=True,
        notes=hidden_notes(p, p.windows),
    )


def rates_table(r: Results, p: Protection) -> Table:
    """Registrations per client per month: the windows differ in length ('tijdens' lasts as long as the ICO)."""
    per = r.perioden_per_maand or {}
    rows = []
    for key in [w for w in (*r.windows, "voor", "na") if w in per]:
        rate = per[key]
        label = {"voor": "Vóór het ICO (samen)", "na": "Na het ICO (samen)"}.get(key, key[0].upper() + key[1:])
        row = [label, rate.registraties, rate.persoonsmaanden, rate.per_client_per_maand]
        rows.append(masked_row(row, p.windows.get(key) if key in r.windows else None))
    return Table(
        "perioden_per_maand",
        "Registraties per cliënt per maand, per periode rond het ICO",
        ["Periode", "Registraties", "Cliëntmaanden", "Per cliënt per maand"],
        ["text", "int", "dec", "dec2"],
        rows,
        notes=[
            "Cliëntmaanden: de tijd die alle cliënten samen in de periode doorbrachten (een maand is 365,25 / 12 "
            "dagen); "
            + (
                "tijd in detentie of na overlijden telt niet mee. "
                if r.tijd_at_risk is not None
                else "of iemand vastzat of overleed, is niet bekend, dus die tijd telt mee. "
            )
            + "De periode tijdens het ICO duurt per cliënt even lang als zijn ICO; daarom vergelijkt deze tabel per "
            "cliënt per maand.",
            *hidden_notes(p, p.windows),
        ],
    )


def windows_text(r: Results, p: Protection) -> str:
    w = r.windows
    names = list(w)
    shown = _window_counts(r, p)
    o = r.overall
    return (
        f"In de {months(r.settings.vensters.lang_maanden)} vóór het ICO zijn {nl_int(o.voor)} registraties "
        f"geteld ({shown[0]} in de periode '{names[0]}' en {shown[1]} in '{names[1]}'), "
        f"tijdens het ICO {shown[2]} en in de {months(r.settings.vensters.lang_maanden)} erna "
        f"{nl_int(o.na)} ({shown[3]} in '{names[3]}' en {shown[4]} in '{names[4]}'). "
        f"Gemiddeld had een cliënt {nl_decimal(o.gemiddeld_voor)} registraties vóór het ICO en "
        f"{nl_decimal(o.gemiddeld_na)} erna. " + rates_text(r, p)
    )


def rates_text(r: Results, p: Protection) -> str:
    """The windows compared by rate: 'tijdens' lasts as long as each ICO, the others a fixed number of months."""
    per = r.perioden_per_maand
    if not per:
        return ""
    v = r.settings.vensters
    short, rest = v.kort_maanden, v.lang_maanden - v.kort_maanden
    fixed = months(short) if short == rest else f"{months(min(short, rest)).split()[0]} of {months(max(short, rest))}"
    shown = {w: per[w].per_client_per_maand for w in r.windows if w not in p.windows and per[w].per_client_per_maand}
    text = ""
    if r.n_clients:
        text = (
            f"De periode tijdens het ICO duurde gemiddeld {nl_decimal(per['tijdens'].persoonsmaanden / r.n_clients)} "
            f"maanden, de andere perioden elk {fixed}; daarom vergelijkt dit rapport de perioden per cliënt per maand. "
        )
    if shown:
        peak = max(shown, key=shown.get)
        text += (
            f"Zo gemeten was het aantal registraties het hoogst in de periode '{peak}' "
            f"({nl_decimal(shown[peak], 2)} per cliënt per maand). "
        )
    voor, na = per["voor"].per_client_per_maand, per["na"].per_client_per_maand
    if voor is not None and na is not None:
        text += f"Vóór het ICO was dat {nl_decimal(voor, 2)}, erna {nl_decimal(na, 2)}."
    return text


def _window_counts(r: Results, p: Protection) -> list[str]:
    return [count_words(p.windows.get(name), n, p) for name, n in r.windows.items()]


def change_groups_table(r: Results, p: Protection) -> Table:
    threshold = r.settings.veel_vanaf
    rows = []
    for group, g in r.change_groups.items():
        label = f"Weinig (minder dan {threshold} voor)" if group == "weinig" else f"Veel ({threshold} of meer voor)"
        whole = p.change_group.get(group)
        for key, name in change_labels(r).items():
            mark = whole or p.change[group].get(key)
            rows.append([label, name, mark or getattr(g, key), mark or share(getattr(g, key), g.n)])
        rows.append([label, "Totaal", whole or g.n, whole or share(g.n, g.n)])
    hidden = [p.change_group, *p.change.values()]
    return Table(
        "veranderingsgroepen",
        "Verandering per cliënt: registraties na het ICO vergeleken met ervoor",
        ["Groep", "Verandering", "Cliënten", "Percentage"],
        ["text", "text", "int", "pct"],
        rows,
        notes=hidden_notes(p, *hidden),
    )


def change_groups_chart(r: Results, p: Protection) -> Chart:
    groups = {k: g for k, g in r.change_groups.items() if k not in p.change_group and g.n}
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    names = [f"{k.capitalize()} (n = {nl_int(g.n)})" for k, g in groups.items()]
    left = [0.0] * len(groups)
    colours = [PALETTE[5], PALETTE[6], PALETTE[4], PALETTE[2], "#B0B0B0"]
    labels = change_labels(r)
    segments = {**labels, "klein": "Niet apart getoond"}
    descriptions = {k: [] for k in groups}
    for i, (key, label) in enumerate(segments.items()):
        if key == "klein":
            counts = [sum(getattr(g, c) for c in labels if c in p.change[k]) for k, g in groups.items()]
        else:
            counts = [0 if key in p.change[k] else getattr(g, key) for k, g in groups.items()]
        if not any(counts):
            continue
        shares = [share(n, g.n) or 0.0 for n, g in zip(counts, groups.values(), strict=True)]
        bars = ax.barh(
            names,
            shares,
            left=left,
            label=label,
            color=colours[i],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="white",
            linewidth=0.5,
        )
        for bar, part, k in zip(bars, shares, groups, strict=True):
            if part:
                descriptions[k].append(f"{label.lower()} {nl_pct(part, 0)}")
            if part >= 6:
                ax.annotate(
                    nl_pct(part, 0),
                    (bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2),
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_pct(v, 0)))
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8.5)
    ax.set_title("Verandering per cliënt na het ICO")
    parts = "; ".join(f"{k}: " + ", ".join(d) for k, d in descriptions.items())
    small = any(p.change[k] for k in groups)
    note = f" Wat ook in de tabel niet getoond wordt (<{p.k} of x), is samengenomen (grijs)." if small else ""
    return Chart(
        "veranderingsgroepen",
        "Aandeel van de cliënten per verandering van het aantal registraties na het ICO ("
        + "; ".join(v.lower() for v in labels.values())
        + "), voor cliënten met weinig en met veel registraties vooraf."
        + note
        + left_out_note(p.change_group, p.k),
        f"Gestapeld staafdiagram. {parts}.",
        *_save(fig),
    )


def change_text(r: Results, p: Protection) -> list[str]:
    threshold = r.settings.veel_vanaf
    small, large = (nl_pct(v * 100, 0) for v in (r.settings.kleine_afname_tot, r.settings.grote_afname_vanaf))
    out = []
    for key, g in r.change_groups.items():
        if not g.n or key in p.change_group:
            continue
        which = f"minder dan {threshold}" if key == "weinig" else f"{threshold} of meer"

        def share_of(c: str, g: ChangeGroup = g, key: str = key) -> str:
            mark = p.change[key].get(c)
            if mark is None:
                return nl_pct(share(getattr(g, c), g.n), 0)
            return f"minder dan {p.k} cliënten" if str(mark) == f"<{p.k}" else "een niet getoond aantal"

        no_after = count_words(p.no_after.get(key), g.geen_na, p)
        out.append(
            f"{nl_int(g.n)} cliënten hadden vóór het ICO {which} registraties. Bij {share_of('toegenomen')} van hen "
            f"nam het aantal na het ICO toe, bij {share_of('afname_0_10')} bleef het gelijk of daalde het met "
            f"hooguit {small}, bij {share_of('afname_11_50')} daalde het met meer dan {small} maar minder dan "
            f"{large} en bij {share_of('afname_50_plus')} met {large} of meer; {no_after} hadden na het ICO geen "
            f"enkele registratie meer."
        )
    null = r.change_groups_null
    # the clients per class over both groups are published cells of the protection (cells.py): a class whose
    # total had to be hidden is left out
    hidden = set(p.change_total)
    shown = [
        (c, word)
        for c, word in (("afname_50_plus", large_fall(r, "inf")), ("toegenomen", "toenemen"))
        if c not in hidden
    ]
    if null is not None and out and shown:
        n = sum(g.n for g in r.change_groups.values())
        expected = [
            f"bij gemiddeld {nl_pct(share(sum(getattr(g, c) for g in null.groepen.values()), n), 0)} van de cliënten "
            f"{word}"
            for c, word in shown
        ]
        observed = [nl_pct(share(sum(getattr(g, c) for g in r.change_groups.values()), n), 0) for c, _ in shown]
        out.append(
            f"Wat toeval alleen al geeft: als het aantal registraties van elke cliënt willekeurig over de perioden "
            f"vóór en na was verdeeld, alsof er niets veranderde ({nl_int(null.herhalingen)} keer herhaald), dan "
            f"zou het aantal {' en '.join(expected)}. Waargenomen: {' en '.join(observed)}. Alleen het verschil "
            f"tussen wat toeval geeft en wat is waargenomen, is meer dan toeval; en ook dat verschil zegt niet dat het "
            f"ICO de oorzaak is (regressie naar het gemiddelde en een eerdere trend zijn geen toeval)."
        )
    return out


TABLES = [windows_table, rates_table, change_groups_table]
FIGURES = (Drawn(id="veranderingsgroepen", draw=change_groups_chart),)


def text(r: Results, p: Protection, outline: Outline) -> dict[str, Any]:
    return {"windows": windows_text(r, p), "change": change_text(r, p)}

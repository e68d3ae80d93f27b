"""The report's sentences that carry numbers: written here from results.json, in plain Dutch, so the templates
hold words and layout but never a number of their own."""

from __future__ import annotations

import datetime as dt
import math

from pipeline.disclosure.protection import Protection
from pipeline.formatting.numbers import months, nl_count, nl_decimal, nl_int, nl_of, nl_p, nl_pct, share
from pipeline.report.effect_text import pretrend_failed, primary_sentences
from pipeline.report.outline import Outline
from schemas.results import ChangeGroup, Results

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
# The COVID-19 measures in the Netherlands: from the first lockdown to the end of the last measures.
COVID = (dt.date(2020, 3, 15), dt.date(2022, 2, 25))


def nl_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def nl_month(year_month: str | None) -> str:
    if not year_month:
        return "–"
    year, month = (int(x) for x in year_month.split("-"))
    return f"{MONTHS[month - 1]} {year}"


def _significance(p: float | None, alpha: float) -> str:
    if p is None:
        return "niet getoetst"
    return f"statistisch significant ({nl_p(p)})" if p < alpha else f"niet statistisch significant ({nl_p(p)})"


def _direction(before: int, after: int, verb_down: str = "daalde", verb_up: str = "steeg") -> str:
    return verb_down if after < before else (verb_up if after > before else "bleef gelijk")


def count_words(mark, value: float, p: Protection) -> str:
    """A count in a sentence as the tables show it: the number, or in words why it is not shown."""
    if mark is None:
        return nl_int(value)
    return f"minder dan {p.k}" if str(mark) == f"<{p.k}" else "een niet getoond aantal"


def key_sentences(r: Results, p: Protection, outline: Outline) -> list[str]:
    """Kerncijfers: the answer in a few plain sentences, for a reader who reads only the first page."""
    o, s = r.overall, r.settings
    lng = months(s.vensters.lang_maanden)
    alpha = s.alpha
    out = primary_sentences(r, f"in de figuur van {outline.ref('effect-hoofdschatting')}")
    change = "" if o.afname_pct is None else f" ({nl_pct(o.afname_pct, sign=True)})"
    out.append(
        f"Wat er gebeurde: het aantal registraties {_direction(o.voor, o.na)} van {nl_int(o.voor)} in de {lng} "
        f"vóór het ICO naar {nl_int(o.na)} in de {lng} erna{change}. Dat is een beschrijving, niet het effect van "
        f"het ICO: ook zonder ICO kan het aantal registraties veranderen."
    )
    p_value = o.wilcoxon.p
    if p_value is not None:
        out.append(
            f"Per cliënt vergeleken is dit verschil {_significance(p_value, alpha)}: gemiddeld "
            f"{nl_decimal(o.gemiddeld_voor)} registraties per cliënt vóór en {nl_decimal(o.gemiddeld_na)} erna."
        )
    suspect = suspect_sentence(r, p)
    if suspect:
        out.append(suspect)
    sexes = ", ".join(
        f"{nl_int(g.n)} {'mannen' if k == 'man' else 'vrouwen' if k == 'vrouw' else 'onbekend'}"
        for k, g in r.by_sex.items()
        if k not in p.sex
    )
    out.append(
        f"Het gaat om {nl_int(r.n_clients)} cliënten{f' ({sexes})' if sexes else ''} met samen "
        f"{nl_int(r.n_registrations)} "
        f"politieregistraties in de perioden rond het ICO."
    )
    if "zwaar" in r.severity and "zwaar" not in p.severity:
        z = r.severity["zwaar"]
        out.append(
            f"Zware registraties (buiten de E-meldingen) gingen van {nl_int(z.voor)} naar {nl_int(z.na)}"
            + ("" if z.afname_pct is None else f" ({nl_pct(z.afname_pct, sign=True)})")
            + "."
        )
    groups = r.change_groups
    n = sum(g.n for g in groups.values())
    halved = sum(g.afname_50_plus for g in groups.values())
    rose = sum(g.toegenomen for g in groups.values())
    if n:
        out.append(
            f"Bij {count_words(p.change_total.get('afname_50_plus'), halved, p)} van de {nl_int(n)} cliënten "
            f"{large_fall(r, 'past')}; bij {count_words(p.change_total.get('toegenomen'), rose, p)} nam het toe."
        )
    if rises_towards_ico(r):
        accounted = (
            "" if pretrend_failed(r) else "; de hoofdschatting houdt daar rekening mee, de beschrijving hierboven niet"
        )
        out.append(
            f"Let op: het aantal registraties liep op {rise_text(r, p)}. Een deel van een daling daarna is ook zonder "
            f"ICO te verwachten (regressie naar het gemiddelde){accounted}. Zie {outline.ref('effect')}."
        )
    return out


def counted_roles(r: Results) -> str:
    """Which registrations count, as the object of a sentence: 'de registraties in elke rol ...' or 'alleen de
    registraties waarin de cliënt verdachte of betrokkene is'."""
    roles = r.settings.rollen
    if roles == "alle":
        return "de registraties in elke rol van de cliënt (verdachte, slachtoffer, getuige, betrokkene en andere)"
    return "alleen de registraties waarin de cliënt " + nl_list(roles, "of") + " is"


def nl_list(items: list[str], last: str = "en") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def suspect_sentence(r: Results, p: Protection) -> str | None:
    """The change in registrations as a suspect alone: a fall in victimisation is no improvement in behaviour."""
    g = r.by_role.get("verdachte")
    if g is None or "verdachte" in p.role or r.settings.rollen == ["verdachte"]:
        return None
    change = "" if g.afname_pct is None else f" ({nl_pct(g.afname_pct, sign=True)})"
    return (
        f"Alleen de registraties waarin de cliënt verdachte is: {change_word(g.voor, g.na)} van {nl_int(g.voor)} "
        f"naar {nl_int(g.na)}{change}."
    )


def change_word(before: float, after: float) -> str:
    """'een daling' or 'een stijging' by the sign, never by habit."""
    return "een daling" if after < before else ("een stijging" if after > before else "geen verandering")


def roles_text(r: Results, p: Protection) -> list[str]:
    out = [
        f"De cijfers in dit rapport tellen {counted_roles(r)}. Een cliënt "
        f"kan in een registratie verdachte zijn, maar ook slachtoffer, getuige of "
        f"betrokkene: minder registraties als slachtoffer is iets anders dan minder overlast of criminaliteit. "
        f"Daarom staan de rollen hieronder apart."
    ]
    if not r.by_role or set(r.by_role) == {"onbekend"}:
        out.append("De politie-export noemt bij geen enkele registratie de rol van de cliënt.")
        return out
    parts = []
    for role, g in r.by_role.items():
        if role in p.role:
            continue
        change = "" if g.afname_pct is None else f" ({nl_pct(g.afname_pct, sign=True)})"
        who = "zonder rol in de export" if role == "onbekend" else f"als {role}"
        parts.append(f"{who} van {nl_int(g.voor)} naar {nl_int(g.na)}{change}")
    if parts:
        out.append("Vóór tegenover na het ICO: " + "; ".join(parts) + ".")
    left = [role for role, g in r.by_role.items() if not g.telt_mee]
    if left:
        out.append(f"De rollen {nl_list(left)} tellen niet mee in de andere cijfers; ze staan hier ter vergelijking.")
    return out


def window_rates(r: Results) -> list[float]:
    """Registrations per client per month in each window: the windows differ in length ('tijdens' lasts as long
    as each ICO; '6 mnd voor' spans lang - kort months, '3 mnd voor' kort), so only rates compare."""
    per = r.perioden_per_maand or {}
    if all(w in per and per[w].per_client_per_maand is not None for w in r.windows):
        return [per[w].per_client_per_maand for w in r.windows]
    v = r.settings.vensters
    length = [v.lang_maanden - v.kort_maanden, v.kort_maanden, None, v.kort_maanden, v.lang_maanden - v.kort_maanden]
    n = max(r.n_clients, 1)
    return [c / (m * n) if m else 0.0 for c, m in zip(r.windows.values(), length, strict=True)]


def large_fall(r: Results, form: str) -> str:
    """The largest change class in words, from its setting: 'halveerde het aantal registraties of meer' at 50%."""
    large = r.settings.grote_afname_vanaf
    if form == "past":
        if large == 0.5:
            return "halveerde het aantal registraties of meer"
        return f"daalde het aantal registraties met {nl_pct(large * 100, 0)} of meer"
    return "halveren" if large == 0.5 else f"met {nl_pct(large * 100, 0)} of meer dalen"


def rises_towards_ico(r: Results) -> bool:
    """The referral spike: more registrations per month in the months just before the ICO than before them."""
    w = window_rates(r)
    return w[0] < w[1]


def _window_counts(r: Results, p: Protection) -> list[str]:
    return [count_words(p.windows.get(name), n, p) for name, n in r.windows.items()]


def _window_rates_shown(r: Results, p: Protection) -> list[str]:
    """A window's rate, or the mark of its hidden count (the rate and the published months would tell it)."""
    return [
        "een niet getoond aantal" if name in p.windows else nl_decimal(rate, 2)
        for name, rate in zip(r.windows, window_rates(r), strict=True)
    ]


def rise_text(r: Results, p: Protection) -> str:
    w = window_rates(r)
    shown = _window_rates_shown(r, p)
    if w[1] < w[2]:
        return (
            f"in de maanden vóór en tijdens het ICO ({shown[0]} → {shown[1]} → {shown[2]} registraties per cliënt "
            f"per maand)"
        )
    return f"in de maanden vóór het ICO ({shown[0]} → {shown[1]} registraties per cliënt per maand)"


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


def sex_text(r: Results, p: Protection) -> list[str]:
    out = []
    alpha = r.settings.alpha
    for key, g in r.by_sex.items():
        who = {"man": "mannen", "vrouw": "vrouwen"}.get(key, "cliënten met onbekend geslacht")
        if key in p.sex:
            out.append(
                f"Over de {who} staan hier geen aantallen: om niemand herkenbaar te maken worden groepen van "
                f"minder dan {p.k} cliënten (en zo nodig één groep ernaast) niet getoond."
            )
            continue
        out.append(_group_sentence(f"De {nl_int(g.n)} {who}", g, alpha))
    sentence = difference_sentence(r, "geslacht", p.sex, {"man": "mannen", "vrouw": "vrouwen"})
    if sentence:
        out.append(sentence)
    return out


def _group_sentence(who: str, g, alpha: float) -> str:
    """A subgroup's before and after, its change and its test, in one sentence that starts with `who`."""
    text = (
        f"{who} hadden {nl_int(g.voor)} registraties vóór het ICO (gemiddeld {nl_decimal(g.gemiddeld_voor)} per "
        f"cliënt) en {nl_int(g.na)} erna (gemiddeld {nl_decimal(g.gemiddeld_na)})"
    )
    if g.afname_pct is not None:
        text += f": een verandering van {nl_pct(g.afname_pct, sign=True)}"
    if g.getoetst:
        holm = "" if g.p_holm is None else f", na correctie voor meervoudig toetsen {nl_p(g.p_holm)}"
        verdict = "significant" if (g.p_holm if g.p_holm is not None else g.p) < alpha else "niet significant"
        return text + f". Dit verschil is {verdict} ({nl_p(g.p)}{holm})."
    return text + f". Niet getoetst: {g.reden}."


def ico_type_text(r: Results, p: Protection) -> list[str]:
    """Before and after per ICO type (regulier, PGA OGGZ 1%, ...), the types as the client list names them."""
    if not r.by_ico_type:
        return [
            "De cliëntenlijst noemt bij geen enkele cliënt de soort ICO (kolom ico_type), dus de cijfers zijn niet "
            "naar soort ICO uitgesplitst."
        ]
    out = []
    for key, g in r.by_ico_type.items():
        who = "cliënten van wie de soort ICO niet in de cliëntenlijst staat" if key == "onbekend" else f"'{key}'"
        if key in p.ico_type:
            out.append(
                f"Over {who if key == 'onbekend' else 'de soort ICO ' + who} staan hier geen aantallen: om niemand "
                f"herkenbaar te maken worden groepen van minder dan {p.k} cliënten (en zo nodig een groep ernaast) "
                f"niet getoond."
            )
            continue
        start = f"De {nl_int(g.n)} {who}" if key == "onbekend" else f"De {nl_int(g.n)} cliënten met een ICO {who}"
        out.append(_group_sentence(start, g, r.settings.alpha))
    return out


def duration_text(r: Results, p: Protection) -> str:
    """Did clients with a longer ICO change more? Said as the rank correlation allows, and never as a cause."""
    d = r.ico_duur
    if d is None or d.mediaan_maanden is None:
        return ""
    text = f"De helft van de ICO's duurde korter dan {nl_decimal(d.mediaan_maanden)} maanden. "
    if d.spearman_rho is None:
        return (
            text + "Of de verandering samenhangt met de duur, is niet te berekenen: de duur of de verandering is bij "
            "iedereen gelijk."
        )
    text += (
        f"De rangcorrelatie (Spearman) tussen de duur van het ICO en de verandering per cliënt (na min vóór) is "
        f"{nl_decimal(d.spearman_rho, 2)} ({nl_p(d.p)}). "
    )
    if d.p is not None and d.p < r.settings.alpha:
        direction = "sterker" if d.spearman_rho < 0 else "minder sterk"
        text += (
            f"Bij cliënten met een langer ICO daalde het aantal registraties {direction}. Dat is een samenhang, "
            f"geen bewijs dat een langer ICO daar de oorzaak van is: wie een langer ICO krijgt, kan ook in andere "
            f"opzichten verschillen."
        )
    else:
        text += "Deze gegevens tonen geen samenhang aan tussen de duur van het ICO en de verandering."
    return text


def difference_sentence(r: Results, kenmerk: str, hidden, names: dict[str, str]) -> str | None:
    """Whether the groups changed differently, from the one model with an interaction: the test a reader
    needs before saying that the ICO works better for one group than for another."""
    d = (r.effect.verschillen or {}).get(kenmerk)
    if d is None or d.p is None or any(g in hidden for g in d.groepen):
        return None
    ratios = ", ".join(f"{names.get(g, g)} {nl_decimal(v, 2)}" for g, v in d.groepen.items())
    differs = d.p < r.settings.alpha
    return (
        f"Verschilt de verandering tussen de groepen? In één model met een verhouding na/vóór per groep ({ratios}; "
        f"de vóór-na-vergelijking, dus met dezelfde beperking: een groep die vóór het ICO hoger begon, daalt ook "
        f"zonder ICO vaak sterker) "
        + (
            f"is het verschil statistisch significant ({nl_p(d.p)}): de groepen veranderden niet even sterk."
            if differs
            else f"is het verschil niet statistisch significant ({nl_p(d.p)}): deze gegevens tonen niet aan dat "
            f"de groepen verschillend veranderden."
        )
    )


def age_text(r: Results, p: Protection) -> str:
    small = [k for k, g in r.by_age.items() if not g.getoetst]
    tested = [k for k, g in r.by_age.items() if g.getoetst]
    alpha = r.settings.alpha
    significant = [k for k in tested if r.by_age[k].p_holm is not None and r.by_age[k].p_holm < alpha]
    parts = []
    if small:
        parts.append(
            (f"De groep {small[0]} heeft" if len(small) == 1 else f"De groepen {nl_list(small)} hebben")
            + f" minder dan {r.settings.min_groepsgrootte} cliënten; "
            f"daar is niet getoetst of het verschil toeval kan zijn (niet getoetst i.v.m. te kleine aantallen)."
        )
    if tested:
        which = f" ({', '.join(significant)})" if significant and len(significant) < len(tested) else ""
        parts.append(
            f"Van de getoetste leeftijdsgroepen is het verschil tussen vóór en na in "
            f"{nl_of(len(significant), len(tested))} statistisch significant na Holm-correctie{which}."
        )
    hidden = {k for k in r.by_age if k not in tested} | set(p.age)
    sentence = difference_sentence(r, "leeftijdsgroep", hidden, {})
    if sentence:
        parts.append(sentence)
    return " ".join(parts)


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


def severity_text(r: Results, p: Protection) -> str:
    parts = [
        f"{k} van {nl_int(g.voor)} naar {nl_int(g.na)} ({nl_pct(g.afname_pct, sign=True)})"
        for k, g in r.severity.items()
        if k not in p.severity
    ]
    s = r.severity_score
    alpha = r.settings.alpha
    means = (
        "staat hier niet, omdat zij een niet getoond aantal zou verraden"
        if p.score
        else f"ging van gemiddeld {nl_decimal(s.gemiddeld_voor)} naar {nl_decimal(s.gemiddeld_na)}"
    )
    score = (
        f"De zwaartescore per cliënt (de som van de gewichten van zijn registraties) {means}; dit verschil is "
        f"{_significance(s.wilcoxon.p, alpha)}. Die score telt het aantal mee: minder registraties geven een "
        f"lagere score, ook als ze niet minder zwaar zijn."
    )
    if s.mix is not None and s.mix.gemiddeld_voor is not None:
        score += (
            f" Of de registraties zelf minder zwaar werden, zegt het gemiddelde gewicht van de registraties van een "
            f"cliënt, gemiddeld over de {count_words(p.mix, s.mix.n_clients, p)} cliënten met registraties vóór én "
            f"na: van "
            f"{nl_decimal(s.mix.gemiddeld_voor, 2)} naar {nl_decimal(s.mix.gemiddeld_na, 2)}; dit verschil is "
            f"{_significance(s.mix.wilcoxon.p, alpha)}."
        )
    return (
        "Buiten de E-meldingen veranderde het aantal registraties per zwaarte als volgt: "
        + "; ".join(parts)
        + ". "
        + score
    )


def limits(r: Results, p: Protection) -> list[str]:
    """Wat deze cijfers wel en niet zeggen: the caveats, with the data's own numbers where they apply."""
    w, rates = _window_rates_shown(r, p), window_rates(r)
    out = [
        "Er is geen vergelijkingsgroep van personen die niet in een ICO zijn besproken. De schattingen met vaste "
        "effecten en met imputatie vergelijken cliënten met hun eigen eerdere maanden en met cliënten die later "
        "aan de beurt kwamen; dat corrigeert voor wat in dezelfde maanden voor iedereen veranderde, maar niet voor "
        "alles waarin cliënten op het moment van aanmelding verschillen van wie niet werd aangemeld."
        if r.matching is None
        else "De vergelijkingsgroep lijkt op de cliënten in wat de politie registreerde, niet per se in wat zij "
        "niet registreert (zorg, familie, wonen, verslaving): juist om zulke redenen kan iemand zijn aangemeld. "
        "Ook de vergelijking met gekoppelde personen kan daarom een verschil tussen de groepen voor een effect "
        "houden. Cliënten zonder registraties in het jaar vóór het ICO, en cliënten op wie niemand genoeg leek, "
        "tellen in die vergelijking niet mee."
    ]
    if rises_towards_ico(r):
        out.append(
            f"Regressie naar het gemiddelde. Cliënten worden aangemeld voor een ICO als het slecht gaat: het aantal "
            f"registraties liep op {rise_text(r, p)}. Na zo'n piek daalt het aantal vaak vanzelf weer, ook zonder "
            f"ingreep. "
            + (
                f"Een deel van de daling daarna (naar {w[3]} en {w[4]} per cliënt per maand) is daarom te verwachten, "
                f"los van het ICO. "
                if max(rates[3], rates[4]) < rates[1]
                else "Ook zonder ICO was na zo'n piek een daling te verwachten. "
            )
            + "Onderzoek naar vergelijkbare aanpakken liet zien dat zulke vóór-na-vergelijkingen het effect sterk "
            "kunnen overschatten."
        )
    else:
        out.append(
            "Regressie naar het gemiddelde. Cliënten worden aangemeld als het slecht gaat; na zo'n periode "
            "daalt het aantal registraties vaak vanzelf. In deze gegevens liep het aantal vóór het ICO niet op, "
            "maar ook dan kan een deel van een daling toeval zijn."
        )
    if r.tijd_at_risk is None:
        out.append(
            "Tijd waarin iemand geen registraties kón hebben, telt als gewone tijd mee: detentie, opname, overlijden "
            "of verhuizing buiten de regio staan niet in de gegevens; een cliënt die na het ICO vastzat, lijkt in "
            "deze cijfers verbeterd."
        )
    else:
        out.append(
            "De tijd in detentie en na overlijden telt niet mee; opname en verhuizing buiten de regio staan niet in "
            "de gegevens en tellen als gewone tijd: een cliënt die na het ICO was opgenomen, lijkt verbeterd."
        )
    van, tot = r.settings.periode.van, r.settings.periode.tot
    if dt.date.fromisoformat(van) <= COVID[1] and dt.date.fromisoformat(tot) >= COVID[0]:
        out.append(
            f"De gegevens ({nl_date(van)} t/m {nl_date(tot)}) vallen deels in de periode van de COVID-19-maatregelen "
            f"(maart 2020 tot februari 2022). Lockdowns en avondklok veranderden het dagelijks leven en het werk van "
            f"de "
            f"politie; dat kan het aantal registraties vóór en na het ICO ongelijk hebben beïnvloed."
        )
    out.append(
        "Politieregistraties meten niet alleen gedrag: ook wie er meldt, waar de politie surveilleert en hoe er wordt "
        "geregistreerd, bepaalt het aantal. En een significante toets zegt dat een verschil waarschijnlijk geen toeval "
        "is, niet hoe groot of hoe belangrijk het is."
    )
    return out


def data_quality_text(r: Results, p: Protection) -> str:
    rec = r.reconciliation
    dq = r.data_quality
    excluded_n = sum(dq.clients_excluded_followup.values())
    excluded = f"minder dan {p.k}" if 0 < excluded_n < p.k else nl_int(excluded_n)
    text = (
        f"Uit de politie-export zijn {nl_int(rec.rows_read)} rijen gelezen. Daarvan waren "
        f"{nl_int(rec.duplicates)} "
        f"dubbel (dezelfde registratie van dezelfde cliënt, bijvoorbeeld in twee rollen), hoorden "
        f"{nl_int(rec.unknown_client)} bij een persoon die niet in de cliëntenlijst staat, vielen "
        f"{nl_int(rec.rows_excluded_followup)} af omdat hun cliënt niet volledig gevolgd kon worden en lagen "
        f"{nl_int(rec.outside_windows)} buiten de perioden rond het ICO. De overige {nl_int(rec.used)} zijn "
        f"gebruikt. Samen is dat weer {nl_int(rec.rows_read)}: elke rij is verantwoord."
    )
    if "rows_excluded_role" in rec:
        text += f" {nl_int(rec.rows_excluded_role)} rijen telden niet mee omdat de rol van de cliënt niet meetelt."
    text += (
        f" Van de {nl_int(dq.clients_read)} cliënten in de cliëntenlijst zijn er {excluded} niet "
        f"vergeleken omdat hun periode vóór of na het ICO niet helemaal binnen de exportperiode valt of het ICO "
        f"nog loopt."
    )
    if dq.unknown_codes:
        n = sum(dq.unknown_codes.values())
        text += (
            f" {nl_int(n)} registraties hadden een IMK-code die niet in de indeling staat "
            f"({', '.join(dq.unknown_codes)}); ze zijn volgens de instellingen ondergebracht bij de "
            f"standaard van hun klasse."
        )
    return text


def period_text(r: Results) -> str:
    s = r.settings
    return (
        f"Politiegegevens van {nl_date(s.periode.van)} t/m {nl_date(s.periode.tot)}; ICO's gestart "
        f"vanaf {nl_month(r.ico_periode.eerste_start)} en afgesloten uiterlijk in "
        f"{nl_month(r.ico_periode.laatste_eind)}."
    )


def e_categories_intro(r: Results) -> str:
    """The E-meldingen's categories as the mapping names them: their number is the mapping's, not the text's."""
    cats = list(r.e_categories)
    return (
        f"De E-meldingen (meldingen en assistentie) zijn ingedeeld in {nl_count(len(cats))} "
        f"{'categorie' if len(cats) == 1 else 'categorieën'}: {nl_list(cats)}. Alle E-meldingen gelden als licht."
    )


def imk_intro(r: Results, p: Protection) -> str:
    """What the IMK classes are, with the E-meldingen's largest categories named from this run's mapping."""
    shown = sorted((c for c in r.e_categories if c not in p.e_category), key=lambda c: (-r.e_categories[c].totaal, c))[
        :3
    ]
    examples = f", zoals {nl_list([c.lower() for c in shown])}" if shown else ""
    return (
        "De politie deelt elke registratie in naar een Incident Maatschappelijke Klasse (IMK). De klasse E omvat "
        f"meldingen en assistentie{examples}: daarbij is niet altijd een strafbaar feit gepleegd. De andere "
        "klassen omvatten onder meer verkeer, vernielingen en misdrijven."
    )


def spread_text(r: Results, p: Protection) -> str:
    """How unequal the registrations per client are, as shares of groups of clients (never one client's count):
    the tenth with the most registrations against the half with the fewest."""
    counts = sorted(
        (int(v) for v, n in r.distributions.registraties_per_client.items() for _ in range(int(n))), reverse=True
    )
    counts += [0] * max(r.n_clients - len(counts), 0)  # clients without registrations are not in the frequencies
    total, top = sum(counts), math.ceil(len(counts) / 10)
    half = len(counts) // 2
    if not total or top < p.k:
        return "De aantallen per cliënt lopen uiteen; de figuren tonen de hele verdeling."
    top_share = share(sum(counts[:top]), total)
    low_share = share(sum(counts[-half:]), total) if half else 0.0
    return (
        f"De aantallen per cliënt lopen sterk uiteen: de {nl_int(top)} cliënten met de meeste registraties (een "
        f"tiende van alle cliënten) hebben samen {nl_pct(top_share)} van alle registraties, de helft met de minste "
        f"registraties samen {nl_pct(low_share)}. Een gemiddelde zegt daarom weinig; de figuren tonen de hele "
        f"verdeling."
    )

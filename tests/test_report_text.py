"""The sentences of the report follow the data: they change when the numbers change."""

from __future__ import annotations

import copy

from pipeline.disclosure.protection import Protection
from pipeline.report.chapters.key_figures import key_sentences
from pipeline.report.chapters.limits import limits
from pipeline.report.narrative import load_chapters
from pipeline.report.render import make_figures, render_html, report_outline, report_tables
from pipeline.report.words import nl_date, nl_month
from schemas.results import Results

OUTLINE = report_outline({}, [], [])


def _with_windows(results: dict, values: list[int], months: list[float] | None = None) -> Results:
    """Windows with these counts and person-months (100 each unless given): rates of count / months."""
    r = copy.deepcopy(results)
    r["windows"] = dict(zip(r["windows"], values, strict=True))
    for w, n, m in zip(r["windows"], values, months or [100.0] * len(values), strict=True):
        r["perioden_per_maand"][w] = {"registraties": n, "persoonsmaanden": m, "per_client_per_maand": n / m}
    return Results.model_validate(r)


def test_regression_to_the_mean_is_named_with_the_datas_own_numbers(default_results):
    r = default_results
    protection = Protection(Results.model_validate(r))  # the altered windows no longer add up to the totals
    rising = _with_windows(r, [100, 250, 400, 90, 80])
    key = " ".join(key_sentences(rising, protection, OUTLINE))
    assert "regressie naar het gemiddelde" in key and "1,00 → 2,50 → 4,00 registraties per cliënt per maand" in key
    only_before = _with_windows(r, [100, 250, 200, 90, 80])
    assert "(1,00 → 2,50 registraties" in " ".join(key_sentences(only_before, protection, OUTLINE))
    flat = _with_windows(r, [300, 250, 200, 190, 180])
    assert "regressie" not in " ".join(key_sentences(flat, protection, OUTLINE))
    assert any("Regressie naar het gemiddelde" in p for p in limits(flat, protection))
    # fewer registrations in the short window just before the ICO, yet more per month: windows of 9 and 3 months
    # (lang 12, kort 3) compare by rate, and by rate they rose
    longer_first = _with_windows(r, [300, 250, 200, 190, 180], [900.0, 300.0, 250.0, 300.0, 900.0])
    key = " ".join(key_sentences(longer_first, protection, OUTLINE))
    assert "regressie naar het gemiddelde" in key and "(0,33 → 0,83 registraties per cliënt per maand)" in key


def test_covid_caveat_only_when_the_period_overlaps(default_results):
    r = default_results
    protection = Protection(Results.model_validate(r))
    assert any("COVID-19" in p for p in limits(Results.model_validate(r), protection))
    later = copy.deepcopy(r)
    later["settings"]["periode"] = {"van": "2023-01-01", "tot": "2025-12-31"}
    assert not any("COVID-19" in p for p in limits(Results.model_validate(later), protection))


def test_direction_and_significance_words(default_results):
    r = default_results
    up = copy.deepcopy(r)
    up["overall"] |= {"voor": 100, "na": 130, "afname_pct": 30.0}
    up["overall"]["wilcoxon"]["p"] = 0.2
    up = Results.model_validate(up)  # no longer adds up: the protection is that of the real results
    sentences = key_sentences(up, Protection(Results.model_validate(r)), OUTLINE)
    # the primary estimate leads (issue 11); the description of what happened follows it
    at = next(i for i, s in enumerate(sentences) if s.startswith("Wat er gebeurde:"))
    assert at > 0 and "hoofdschatting" in " ".join(sentences[:at]).lower()
    assert sentences[at].startswith("Wat er gebeurde: het aantal registraties steeg van 100")
    assert "(+30,0%)" in sentences[at]
    assert "niet statistisch significant (p = 0,200)" in sentences[at + 1]


def test_dates_in_words():
    assert nl_date("2019-06-01") == "1 juni 2019"
    assert nl_month("2021-11") == "november 2021"


def test_the_time_at_risk_caveat_says_what_this_run_did(default_results):
    r = default_results
    without = Results.model_validate(r)
    assert without.tijd_at_risk is None
    text = " ".join(limits(without, Protection(without)))
    assert "telt als gewone tijd mee" in text and "telt niet mee" not in text  # no detention data: time counts
    with_detention = copy.deepcopy(r)
    with_detention["tijd_at_risk"] = {
        "detentieperioden": 12,
        "clients_met_detentie": 9,
        "detentieperioden_onbekende_client": 0,
        "overleden": 0,
    }
    given = Results.model_validate(with_detention)
    text = " ".join(limits(given, Protection(given)))
    assert "De tijd in detentie en na overlijden telt niet mee" in text


def test_data_from_the_export_cannot_inject_html(default_results):
    evil = default_results
    code = next(iter(evil["e_codes"]))
    evil["e_code_names"][code] = "<script>alert(1)</script>"
    evil["imk_class_names"]["E"] = "<b onmouseover=x>E</b>"
    evil = Results.model_validate(evil)
    html = render_html(evil, report_tables(evil), make_figures(evil), load_chapters(None))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b onmouseover" not in html

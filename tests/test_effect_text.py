"""The sentences about the effect are conditioned on the numbers they state (issue 11): a failed pre-trend
check, an interval with or without 1, an estimate that could not be made each read differently, and no
sentence says which estimate to believe regardless of the results."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.disclosure.protection import Protection
from pipeline.report.chapters.effect import effect_text
from pipeline.report.chapters.key_figures import key_sentences
from pipeline.report.effect_words import primary_sentences
from pipeline.report.render import report_outline
from schemas.results import Results


@pytest.fixture(scope="module")
def _without_comparison() -> dict:
    """The synthetic default analysed without its comparison group (in-process, no report): the panel estimate is
    the primary one, and everything derived from it is of that estimator."""
    from pipeline.workflow.run import analyse_files
    from tests.conftest import CONFIG, MAPPING, SYNTHETIC

    files = {"bvh": SYNTHETIC / "bvh.csv", "clients": SYNTHETIC / "clients.csv"}
    return analyse_files(files, CONFIG, MAPPING, with_comparison=False)


@pytest.fixture
def base(_without_comparison, default_results) -> dict:
    return json.loads(json.dumps(_without_comparison)) | {"provenance": default_results["provenance"]}


@pytest.fixture
def matched(default_results) -> dict:
    return default_results


def _with(base: dict, primary: dict | None = None, pretrend: dict | None = None) -> Results:
    data = json.loads(json.dumps(base))
    if primary is not None:
        data["effect"]["primary"] |= {k: v for k, v in primary.items() if k != "reden"}
        data["effect"][data["effect"]["primary"]["estimator"]] |= primary
    if pretrend is not None:
        data["effect"]["pretrend"] |= pretrend
    return Results.model_validate(data)


def test_a_failed_pre_trend_check_comes_first_and_withdraws_the_estimate(base):
    r = _with(base, pretrend={"p": 0.001, "passed": False})
    first, second = primary_sentences(r)[:2]
    assert "veranderde al ruim vóór het ICO" in first and "p = 0,001" in first
    assert "niet als effect van het ICO te lezen" in second
    outline = report_outline({}, [], [])
    key = key_sentences(r, Protection(r), outline)[0]
    # the key figures point to the month figure where it is: in chapter 5, not 'below'
    assert key == first.replace("in de figuur hieronder", f"in de figuur van {outline.ref('effect-hoofdschatting')}")
    assert "figuur hieronder" not in key


def test_a_passed_check_with_an_interval_holding_1_says_not_shown_not_absent(base):
    r = _with(base, primary={"irr": 0.9, "ci_low": 0.7, "ci_high": 1.15, "p": 0.4}, pretrend={"p": 0.6, "passed": True})
    text = " ".join(primary_sentences(r))
    assert "10% minder registraties" in text and "bevat 1" in text and "niet aangetoond" in text
    assert "week het aantal registraties niet aantoonbaar af" in text and "bewijst niet" in text


def test_an_interval_wholly_below_1_says_so_with_its_cautious_end(base):
    r = _with(
        base, primary={"irr": 0.6, "ci_low": 0.5, "ci_high": 0.72, "p": 0.001}, pretrend={"p": 0.5, "passed": True}
    )
    text = " ".join(primary_sentences(r))
    assert "onder 1" in text and "28% minder registraties" in text


def test_a_rise_reads_as_a_rise(base):
    r = _with(base, primary={"irr": 1.3, "ci_low": 1.1, "ci_high": 1.6, "p": 0.01}, pretrend={"p": 0.5, "passed": True})
    text = " ".join(primary_sentences(r))
    assert "30% meer registraties" in text and "boven 1" in text


def test_no_estimate_says_why(base):
    r = _with(base, primary={"irr": None, "ci_low": None, "ci_high": None, "p": None, "reden": "te weinig"})
    assert "niet worden gemaakt" in primary_sentences(r)[0]


def test_the_effect_chapter_names_the_primary_estimate_as_chosen_in_advance(base):
    r = _with(base, pretrend={"p": 0.6, "passed": True})
    text = " ".join(effect_text(r, Protection(r))["primary"])
    assert "vóór het zien van de gegevens vast in de instellingen" in text and "effect.primair" not in text
    assert "Met een aanloop van 0 tot 6 maanden" in text
    assert "met een kans van 80%" in text


def test_the_null_benchmark_never_gives_a_hidden_change_class_back(base):
    """In the synthetic default the 'veel' group's increases are hidden (<5). The sentence states the share of
    increases over both groups, so the protection treats that total as published: the 'weinig' increases are
    hidden too, and the total gives neither back."""
    from pipeline.report.chapters.results.before_after import change_text

    r = Results.model_validate(base)
    p = Protection(r)
    assert "toegenomen" in p.change["veel"] and "toegenomen" in p.change["weinig"]
    assert "toegenomen" not in p.change_total
    sentence = change_text(r, p)[-1]
    assert sentence.startswith("Wat toeval alleen al geeft") and "halveren" in sentence and "toenemen" in sentence
    shown = [c for c in ("weinig", "veel") if "toegenomen" not in p.change[c]]
    assert shown == []  # so 'total - shown' recovers nothing


def test_the_report_says_that_clients_never_registered_do_not_enter_the_fixed_effects_fit(base):
    none = Results.model_validate(base)
    assert "die zijn er in deze gegevens niet" in " ".join(effect_text(none, Protection(none))["estimates"])
    data = json.loads(json.dumps(base))
    data["effect"]["comparison"]["n_clients_zonder_registraties"] = 12
    some = Results.model_validate(data)
    assert "dat zijn er 12" in " ".join(effect_text(some, Protection(some))["estimates"])


def test_the_matched_primary_is_checked_by_balance_not_by_the_pre_trend(matched):
    r = Results.model_validate(
        matched
        | {"effect": matched["effect"] | {"pretrend": matched["effect"]["pretrend"] | {"p": 0.001, "passed": False}}}
    )
    first = primary_sentences(r)[0]
    assert "vergelijkbare personen in dezelfde maanden" in first and "niet als effect" not in first
    # the pre-trend verdict now withdraws only the estimates that compare clients with their own months
    assert "De vergelijking met gekoppelde personen neemt iets anders aan" in " ".join(
        effect_text(r, Protection(r))["primary"]
    )


def test_a_matched_comparison_of_groups_that_are_not_alike_is_withdrawn(matched):
    data = json.loads(json.dumps(matched))
    data["matching"]["max_abs_smd"] = 0.25
    r = Results.model_validate(data)
    text = " ".join(primary_sentences(r))
    assert "niet genoeg op elkaar" in text and "niet als effect van het ICO" in text and "0,25" in text


def test_a_narrowed_caliper_and_the_later_clients_are_said_as_they_were(matched):
    from pipeline.report.chapters.comparison_group import matching_text

    data = json.loads(json.dumps(matched))
    data["settings"]["vergelijkingsgroep"]["caliper"] = 0.5  # where narrowing began
    data["matching"] |= {
        "caliper": 0.32,
        "caliper_versmallingen": 2,
        "ongematcht_door_versmallen": 7,
        "latere_clienten_als_controle": 12,
    }
    r = Results.model_validate(data)
    how = matching_text(r, Protection(r), "figuur 9")["who"][1]
    assert "2 keer smaller gemaakt, van 0,50 naar 0,32" in how and "nooit een uitkomst" in how
    assert "Daardoor kregen 7 cliënten geen vergelijkingsgroep" in how
    assert "verder dan 0,32 standaardafwijking" in how
    assert "tot de dag vóór die eigen start (dat gebeurde 12 keer)" in how
    data["matching"] |= {"caliper": 0.5, "caliper_versmallingen": 0, "ongematcht_door_versmallen": 0}
    r = Results.model_validate(data)
    assert "smaller gemaakt" not in matching_text(r, Protection(r), "figuur 9")["who"][1]


def test_an_estimate_without_the_adjustment_says_it_rests_on_matching_alone(matched):
    from pipeline.report.chapters.comparison_group import matching_text

    r = Results.model_validate(matched)
    assert r.effect.matched.aangepast is True
    shown = " ".join(matching_text(r, Protection(r), "figuur 9")["shows"])
    assert "houdt ook rekening met de verschillen" in shown and "koppelen alleen" not in shown
    data = json.loads(json.dumps(matched))
    data["effect"]["matched"] |= {"aangepast": False, "waarschuwing": "te weinig registraties"}
    r = Results.model_validate(data)
    shown = " ".join(matching_text(r, Protection(r), "figuur 9")["shows"])
    assert "berust op het koppelen alleen" in shown and "houdt ook rekening" not in shown


@pytest.mark.parametrize("which", ["base", "matched"])
def test_everything_derived_from_the_primary_estimate_is_of_that_estimator(which, request):
    """The primary estimate is chosen once; its sensitivity row at its own run-up is the estimate itself, and its
    smallest detectable effect follows from its own interval."""
    from pipeline.estimation.intervals import se_from_interval, z_for_power

    effect = request.getfixturevalue(which)["effect"]
    primary = effect["primary"]
    assert primary["estimator"] == ("matched" if which == "matched" else "cohort")
    own = next(s for s in effect["sensitivity"] if s["anticipatie_maanden"] == primary["anticipatie_maanden"])
    assert (own["irr"], own["ci_low"], own["ci_high"]) == (primary["irr"], primary["ci_low"], primary["ci_high"])
    se = se_from_interval(primary["ci_low"], primary["ci_high"])
    mde = effect["mde"]
    assert mde["irr"] == pytest.approx(np.exp(-z_for_power(mde["alpha"], mde["power"]) * se), rel=1e-9)
    # a subgroup holds fewer clients, so only a larger change can be seen in it
    assert all(g["irr"] < mde["irr"] for g in mde["subgroepen"] if g["irr"] is not None)

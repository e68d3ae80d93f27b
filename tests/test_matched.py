"""The matched comparison group (issue 12): the difference-in-differences by hand and against statsmodels, the
rule for later clients, the fate of every row of the comparison export, the inputs and their faults, and the
estimate on simulated regions with a known truth."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.config.settings import load_settings
from pipeline.errors import UserError
from pipeline.estimation.matched.did import did, unit_frame
from pipeline.estimation.matched.group import comparison_rows
from pipeline.estimation.matched.matching import History, MatchSettings, match
from pipeline.synthetic.region import Region, write_region
from pipeline.workflow.run import analyse_files
from tests.conftest import CONFIG, MAPPING, SYNTHETIC


def _units(rows):
    return pd.DataFrame(rows, columns=["set", "treated", "weight", "y0", "y1", "d0", "d1"])


def test_did_is_the_ratio_of_the_after_before_ratios_with_equal_days():
    # clients: 10 -> 5 and 6 -> 4 (15 -> 9 over 16); controls: 8 -> 8 and 4 -> 6 (14 over 12)
    units = _units(
        [
            ("a", 1, 1.0, 10, 5, 180, 180),
            ("b", 1, 1.0, 6, 4, 180, 180),
            ("a", 0, 1.0, 8, 8, 180, 180),
            ("b", 0, 1.0, 4, 6, 180, 180),
        ]
    )
    estimate = did(units)
    assert estimate["irr"] == pytest.approx((9 / 16) / (14 / 12))
    assert estimate["ci_low"] < estimate["irr"] < estimate["ci_high"]


def test_did_weights_each_control_one_over_k():
    # client a has two controls (weight 1/2 each): 4 -> 2 and 0 -> 4 weigh as one control 2 -> 3; with b's
    # control 6 -> 6 the controls go 8 -> 9 weighted, 10 -> 12 if every control counted as a whole person
    units = _units(
        [
            ("a", 1, 1.0, 10, 5, 180, 180),
            ("b", 1, 1.0, 6, 2, 180, 180),
            ("a", 0, 0.5, 4, 2, 180, 180),
            ("a", 0, 0.5, 0, 4, 180, 180),
            ("b", 0, 1.0, 6, 6, 180, 180),
        ]
    )
    irr = did(units)["irr"]
    assert irr == pytest.approx((7 / 16) / (9 / 8))
    assert irr != pytest.approx((7 / 16) / (12 / 10))


def test_did_equals_poisson_with_unit_and_period_effects():
    rng = np.random.default_rng(3)
    n = 40
    units = _units(
        [
            (f"s{i // 3}", int(i % 3 == 0), 1.0 if i % 3 == 0 else 0.5, *rng.poisson(3, 2), *rng.integers(150, 200, 2))
            for i in range(n)
        ]
    )
    ours = did(units)
    long = pd.concat(
        [
            units.assign(unit=units.index, after=0, y=units["y0"], days=units["d0"]),
            units.assign(unit=units.index, after=1, y=units["y1"], days=units["d1"]),
        ]
    )
    design = pd.get_dummies(long["unit"], prefix="u", dtype=float)
    design["after"] = long["after"].astype(float)
    design["treated_after"] = (long["after"] * long["treated"]).astype(float)
    fit = sm.GLM(
        long["y"].to_numpy(float),
        design,
        family=sm.families.Poisson(),
        offset=np.log(long["days"].to_numpy(float)),
        freq_weights=long["weight"].to_numpy(float),
    ).fit()
    assert ours["irr"] == pytest.approx(float(np.exp(fit.params["treated_after"])), rel=1e-8)


def _reused_controls(seed: int, persons: int) -> pd.DataFrame:
    """30 matched sets of a client and three controls drawn from `persons` comparison persons, so some serve
    several clients."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(30):
        rows.append((f"s{s}", f"c{s}", 1, 1.0, *rng.poisson(4, 2), 180, 180))
        rows += [(f"s{s}", f"p{rng.integers(persons)}", 0, 1 / 3, *rng.poisson(4, 2), 180, 180) for _ in range(3)]
    units = pd.DataFrame(rows, columns=["set", "person", "treated", "weight", "y0", "y1", "d0", "d1"])
    return units.drop_duplicates(["set", "person"]).reset_index(drop=True)


def _statsmodels_two_way_se(units: pd.DataFrame) -> tuple[float, float]:
    """The one-way (matched set) and two-way (set and person) clustered standard errors from statsmodels'
    binomial GLM, the conditional likelihood of the 'na' registrations, each part with its G / (G - 1)."""
    from statsmodels.stats import sandwich_covariance as sw

    used = units.loc[units["y0"] + units["y1"] > 0]
    n = (used["y0"] + used["y1"]).to_numpy(float)
    fit = sm.GLM(
        used["y1"].to_numpy(float) / n,
        np.column_stack([np.ones(len(n)), used["treated"].to_numpy(float)]),
        family=sm.families.Binomial(),
        offset=np.log(used["d1"] / used["d0"]).to_numpy(),
        var_weights=n * used["weight"].to_numpy(float),
    ).fit()

    def part(groups):
        codes = pd.factorize(groups)[0]
        g = codes.max() + 1
        return sw.cov_cluster(fit, codes, use_correction=False)[1, 1] * g / (g - 1)

    one = part(used["set"])
    return float(np.sqrt(one)), float(np.sqrt(one + part(used["person"]) - part(np.arange(len(n)))))


def test_did_interval_clusters_on_the_matched_set_and_the_person():
    units = _reused_controls(5, persons=25)
    assert units["person"].duplicated().any()  # some controls serve several clients
    one_way, two_way = _statsmodels_two_way_se(units)
    assert did(units)["se"] == pytest.approx(two_way, rel=1e-9)
    assert did(units.drop(columns="person"))["se"] == pytest.approx(one_way, rel=1e-9)
    assert abs(one_way - two_way) > 1e-4  # the two differ here, so the test tells them apart


def test_did_with_every_person_once_is_clustered_on_the_matched_set_alone():
    units = _reused_controls(6, persons=10**9)
    assert not units["person"].duplicated().any()
    assert did(units)["se"] == pytest.approx(did(units.drop(columns="person"))["se"], rel=1e-12)


def test_did_widens_when_a_reused_control_carries_the_same_registrations_everywhere():
    # one comparison person with a big fall serves every client: one-way clustering counts that fall 30 times
    # as if independent; the person cluster sees it is one person
    units = _reused_controls(7, persons=10**9)
    first = units.loc[units["treated"] == 0].groupby("set").head(1).index
    units.loc[first, ["person", "y0", "y1"]] = ["same", 12, 2]
    assert did(units)["se"] > 1.2 * did(units.drop(columns="person"))["se"]


def test_did_falls_back_to_matching_alone_when_the_adjustment_has_no_maximum():
    # the covariate separates perfectly: where it is 1 every registration falls after, where 0 before, so its
    # coefficient runs to infinity (as in sparse regions of 2,000 persons, where this crashed with a singular
    # matrix); the estimate falls back to the unadjusted one and says so
    rng = np.random.default_rng(4)
    rows = []
    for s in range(12):
        c = s % 2
        for treated in (1, 0):
            count = int(rng.integers(1, 6))
            rows.append((f"s{s}", treated, 1.0, count * (1 - c), count * c, 180, 180, c))
    units = pd.DataFrame(rows, columns=["set", "treated", "weight", "y0", "y1", "d0", "d1", "maanden_3_1"])
    adjusted, plain = did(units, ("maanden_3_1",)), did(units)
    assert plain["irr"] is not None and plain["se"] > 0
    assert adjusted["irr"] == pytest.approx(plain["irr"]) and adjusted["se"] == pytest.approx(plain["se"])
    assert adjusted["aangepast"] is False and "niet te schatten" in adjusted["waarschuwing"]
    assert plain["aangepast"] is False and "waarschuwing" not in plain


def test_did_reports_the_adjustment_when_it_was_made():
    rng = np.random.default_rng(11)
    rows = [(f"s{i // 2}", i % 2, 1.0, *rng.poisson(4, 2), 180, 180, rng.integers(0, 4)) for i in range(40)]
    units = pd.DataFrame(rows, columns=["set", "treated", "weight", "y0", "y1", "d0", "d1", "maanden_3_1"])
    assert did(units, ("maanden_3_1",))["aangepast"] is True


def test_did_without_registrations_on_one_side_says_why():
    units = _units([("a", 1, 1.0, 0, 0, 180, 180), ("a", 0, 1.0, 3, 2, 180, 180)])
    estimate = did(units)
    assert estimate["irr"] is None and estimate["reden"]


@hsettings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_did_does_not_depend_on_the_order_of_the_units(seed):
    rng = np.random.default_rng(seed)
    units = _units([(f"s{i // 2}", i % 2, 1.0, *rng.poisson(4, 2), 181, 184) for i in range(20)])
    shuffled = units.sample(frac=1, random_state=seed).reset_index(drop=True)
    a, b = did(units), did(shuffled)
    assert (a["irr"] is None) == (b["irr"] is None)
    if a["irr"] is not None:
        assert a["irr"] == b["irr"] and a["ci_low"] == b["ci_low"]


def _one_client_and_two_later_clients():
    regs = pd.DataFrame(
        {
            "client_id": ["c", "c", "early", "late"],
            "datum": pd.to_datetime(["2021-05-01", "2021-06-01", "2021-05-02", "2021-05-03"]),
            "is_e": False,
            "gewicht": 1.0,
        }
    )
    client = pd.DataFrame(
        {
            "client_id": ["c"],
            "geslacht": ["man"],
            "geboortejaar": [1980],
            "ico_start": [pd.Timestamp("2021-07-01")],
            "ico_eind": [pd.Timestamp("2021-09-30")],
            # 'na' ends 2022-03-30; with 3 months of anticipation a later client must start after 2022-06-30
            "later_na": [pd.Timestamp("2022-06-30")],
        }
    )
    candidates = pd.DataFrame(
        {
            "client_id": ["early", "late"],
            "geslacht": ["man", "man"],
            "geboortejaar": [1980, 1980],
            "eigen_start": pd.to_datetime(["2022-06-30", "2022-07-01"]),
        }
    )
    return regs, client, candidates


def test_a_later_client_serves_only_when_its_own_start_lies_after_the_clients_limit():
    regs, client, candidates = _one_client_and_two_later_clients()
    found = match(client, candidates, History(regs), MatchSettings(k=3, caliper=10)).matches
    assert found["control_id"].tolist() == ["late"]  # 'early' starts on the last day it would still be seen
    never = match(client, candidates, History(regs), MatchSettings(k=3, caliper=10, later_clients_months=None))
    assert never.matches.empty and never.unmatched["reden"].tolist() == ["geen kandidaat met registraties"]


def test_every_row_of_the_comparison_export_has_one_fate(settings):
    rows = pd.DataFrame(
        {
            "client_id": ["p", "p", "c", "stranger", "p"],
            "registratienummer": ["1", "1", "2", "3", "4"],
            "rol": ["verdachte"] * 5,
            "datum": pd.to_datetime(["2021-01-01"] * 5),
        }
    )
    persons = pd.DataFrame({"client_id": ["p", "c"], "geslacht": ["man"] * 2, "geboortejaar": [1980] * 2})
    clients = pd.DataFrame({"client_id": ["c"]})
    used, fates = comparison_rows(rows, persons, clients, settings)
    assert fates == {
        "rijen_gelezen": 5,
        "rijen_rol_telt_niet": 0,
        "dubbel": 1,
        "rijen_van_clienten": 1,
        "rijen_onbekende_persoon": 1,
        "rijen_gebruikt": 2,
    }
    assert used["registratienummer"].tolist() == ["1", "4"]


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("k", "0", "vergelijkingsgroep.k"),
        ("caliper", "-1", "vergelijkingsgroep.caliper"),
        ("hoofdschatting", "1", "true"),
        ("caliper_versmallen", "ja", "vergelijkingsgroep.caliper_versmallen"),
    ],
)
def test_bad_matching_settings_name_the_key(tmp_path, key, value, words):
    text = re.sub(rf"(?m)^  {key}: .*$", f"  {key}: {value}", CONFIG.read_text(encoding="utf-8"))
    path = tmp_path / "analysis.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=words):
        load_settings(path)


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("12", 12), ("false", None)])
def test_later_clients_setting_reads_zero_as_zero_months_and_false_as_never(tmp_path, value, expected):
    # 0 == False in Python: a membership test `in (None, False)` read 0 as 'never', and no later client served
    text = re.sub(
        r"(?m)^  latere_clienten_na_maanden: .*$",
        f"  latere_clienten_na_maanden: {value}",
        CONFIG.read_text(encoding="utf-8"),
    )
    path = tmp_path / "analysis.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_settings(path).matching.later_clients_months == expected


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    return write_region(tmp_path_factory.mktemp("region"), Region(irr=0.7), seed=1)


def _run(region: dict, out: Path, *comparison: str) -> int:
    """`run` on the region's client list and export with the comparison arguments given."""
    main_files = ["--bvh", str(region["bvh"]), "--clients", str(region["clients"])]
    return main(["--quiet", "run", *main_files, *comparison, "--out", str(out), "--config", str(CONFIG)])


def test_one_comparison_file_without_the_other_stops(region, tmp_path, capsys):
    code = _run(region, tmp_path / "out", "--comparison-persons", str(region["comparison_persons"]))
    assert code == 2 and "--comparison-bvh" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_bad_comparison_file_names_file_row_and_column(region, tmp_path, capsys):
    persons = pd.read_csv(region["comparison_persons"], dtype=str)
    persons.loc[3, "geboortejaar"] = "19x0"
    bad = tmp_path / "personen.csv"
    persons.to_csv(bad, index=False)
    code = _run(
        region, tmp_path / "out", "--comparison-persons", str(bad), "--comparison-bvh", str(region["comparison_bvh"])
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "personen.csv" in err and "geboortejaar" in err and "19x0" in err and "rij 5" in err
    assert not (tmp_path / "out" / "rendementsanalyse.html").exists()


def _analysed(files: dict, with_comparison: bool = True) -> dict:
    return analyse_files(files, CONFIG, MAPPING, with_comparison)


def test_a_comparison_export_that_matches_nobody_gives_a_reason_not_an_error(region, tmp_path):
    # a comparison export of a few rows: no client finds a control (this stopped with an internal error)
    from pipeline.disclosure.protection import Protection
    from pipeline.report.chapters.comparison_group import matching_text
    from schemas.results import Results

    sparse = tmp_path / "comparison_bvh.csv"
    rows = pd.read_csv(region["comparison_bvh"], dtype=str)
    last_start = pd.to_datetime(pd.read_csv(region["clients"], dtype=str)["ico_start"]).max()
    rows.loc[pd.to_datetime(rows["datum"]) > last_start].head(20).to_csv(sparse, index=False)  # no history at all
    config = tmp_path / "analysis.yaml"  # and no later client as control either
    text = CONFIG.read_text(encoding="utf-8")
    config.write_text(text.replace("latere_clienten_na_maanden: 0", "latere_clienten_na_maanden: false"), "utf-8")
    assert config.read_text(encoding="utf-8") != text
    results = analyse_files(region | {"comparison_bvh": sparse}, config, MAPPING)
    assert results["matching"]["gematcht"] == 0
    assert sum(results["matching"]["ongematcht"].values()) == results["matching"]["clients"]
    matched = results["effect"]["matched"]
    assert matched["irr"] is None and matched["reden"] == "geen enkele cliënt kreeg een vergelijkingsgroep"
    r = Results.model_validate(results)
    text = matching_text(r, Protection(r), "figuur 9")
    assert "kregen een vergelijkingsgroep: te weinig om de vergelijking te tonen" in text["alike"][0]


def test_later_clients_serve_as_controls_with_the_default_settings(region):
    """In a region, persons with a spell like a client's are often referred a few months later; without them the
    controls would be the persons known never to be referred, chosen on their future (an upward bias)."""
    matching = _analysed(region)["matching"]
    assert load_settings(CONFIG).matching.later_clients_months == 0
    assert matching["latere_clienten_als_controle"] > 0


def test_without_the_comparison_files_nothing_changes(region):
    results = _analysed(region, with_comparison=False)
    assert "matching" not in results and "matched" not in results["effect"]
    assert results["effect"]["primary"]["estimator"] == load_settings(CONFIG).effect.primary


@pytest.mark.slow
@pytest.mark.parametrize(("truth", "seeds"), [(1.0, range(101, 109)), (0.7, range(201, 209))])
def test_on_simulated_regions_the_matched_interval_holds_the_truth(truth, seeds, tmp_path):
    """Regions of 6,000 persons whose registrations fluctuate, referred after a spell the police saw. One 95%
    interval misses the truth one time in twenty, so eight regions are asked: at least six intervals hold the
    truth (fails by chance 0.6% of the time), their geometric mean is within 15% of it, and every one rests on
    balanced groups; with an effect of 0.7 at least six exclude 1. (Four regions, 101-104, were asked at first,
    fixed before the first run; when the caliper's default became 1.0, two of them missed, a 2% event at the
    94-95% coverage measured on 190 other regions, and the test grew to eight.)"""
    runs = [_analysed(write_region(tmp_path / str(seed), Region(irr=truth, n_persons=6000), seed)) for seed in seeds]
    matched = [r["effect"]["matched"] for r in runs]
    assert sum(m["ci_low"] <= truth <= m["ci_high"] for m in matched) >= 6, matched
    assert abs(np.mean([np.log(m["irr"]) for m in matched]) - np.log(truth)) < np.log(1.15), matched
    if truth < 1:
        assert sum(m["ci_high"] < 1 for m in matched) >= 6, matched
    for r in runs:
        assert r["matching"]["max_abs_smd"] <= 0.1
        assert r["effect"]["primary"]["estimator"] == "matched"
        assert r["matching"]["gematcht"] + sum(r["matching"]["ongematcht"].values()) == r["matching"]["clients"]


def test_the_default_run_recovers_the_documented_truth_of_its_comparison_group(default_run):
    out, r = default_run
    truth = json.loads((SYNTHETIC / "synthetic.json").read_text(encoding="utf-8"))["vergelijkingsgroep"]
    matched = r["effect"]["matched"]
    assert matched["ci_low"] <= truth["ware_verhouding"] <= matched["ci_high"]
    assert r["matching"]["max_abs_smd"] <= r["settings"]["vergelijkingsgroep"]["max_smd"]
    assert r["effect"]["primary"]["estimator"] == "matched"
    assert r["matching"]["personen_ook_client"] == len(pd.read_csv(SYNTHETIC / "clients.csv"))
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    assert "Vergeleken met vergelijkbare personen uit de politiegegevens" in html
    assert 'id="effect-vergelijkingsgroep"' in html and "Verschil na koppelen (sd)" in html
    assert (out / "figures" / "vergelijkingsgroep_balans.svg").exists()
    assert (out / "tables" / "vergelijkingsgroep_balans.csv").exists()
    assert "Wat deze vergelijking niet uitsluit" in html


def test_other_pseudonyms_and_row_order_give_the_same_matched_results_to_the_bit(region, tmp_path):
    """Ties at the k-th distance are all taken and every sum is over content, so new pseudonyms (a new key)
    and shuffled files change nothing but the ids."""
    frames = {name: pd.read_csv(path, dtype=str) for name, path in region.items()}
    ids = pd.unique(pd.concat([frames["comparison_persons"]["client_id"], frames["clients"]["client_id"]]))
    rng = np.random.default_rng(5)
    renamed = dict(zip(ids, [f"X{n:07d}" for n in rng.permutation(len(ids))], strict=True))
    files = {}
    for name, frame in frames.items():
        frame = frame.assign(client_id=frame["client_id"].map(renamed)).sample(frac=1, random_state=7)
        files[name] = tmp_path / f"{name}.csv"
        frame.to_csv(files[name], index=False)
    original, shuffled = _analysed(region), _analysed(files)
    for results in (original, shuffled):
        results["matching"].pop("ongematchte_clients")
    assert shuffled["matching"] == original["matching"]
    assert shuffled["effect"]["matched"] == original["effect"]["matched"]


def test_a_later_client_as_control_is_followed_until_the_day_before_its_own_ico(settings):
    # the client's ICO: January 2021; 'na' = 1 February to 31 July 2021. The control's own ICO starts on
    # 1 April: its 'na' ends on 31 March (59 days), and its registration of 1 April does not count.
    units = pd.DataFrame(
        {
            "client_id": ["later"],
            "ico_start": [pd.Timestamp("2021-01-01")],
            "ico_eind": [pd.Timestamp("2021-01-31")],
            "set": ["c"],
            "treated": [0],
            "weight": [1.0],
            "censor": [pd.Timestamp("2021-04-01")],
        }
    )
    regs = pd.DataFrame(
        {"client_id": ["later"] * 3, "datum": pd.to_datetime(["2020-12-01", "2021-03-31", "2021-04-01"])}
    )
    frame = unit_frame(regs, units, settings)
    assert frame[["y0", "y1", "d0", "d1"]].iloc[0].tolist() == [1, 1, 184, 59]

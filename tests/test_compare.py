"""Editions and regions compared from their results.json: the numbers worked out by hand, the method check,
and the command on real runs."""

from __future__ import annotations

import json
import math

import pytest

from pipeline.editions.compare import differences, method_differences, pool, se_log
from pipeline.estimation.planning import clients_needed
from schemas.editions import Ratio, Run


def _run(label: str, irr: float, se: float, n: int = 100, marked: bool = False) -> Run:
    z = 1.959963984540054
    return Run(
        label=label, organisatie="ZVH", periode="", bestand="r.json", n_clients=n, n_registrations=0, voor=0, na=0,
        per_client_per_maand={}, estimator="comparison", irr=irr, ci_low=irr * math.exp(-z * se),
        ci_high=irr * math.exp(z * se), se_log=se, pretrend_passed=True, gemarkeerd=marked, e_aandeel={},
        zwaarte_aandeel={}, subgroepen={},
    )  # fmt: skip


def test_the_standard_error_comes_back_from_the_interval():
    assert se_log(Ratio(irr=0.8, ci_low=0.8 * math.exp(-1.96 * 0.1), ci_high=0.8 * math.exp(1.96 * 0.1))) == (
        pytest.approx(0.1 * 1.96 / 1.959963984540054)
    )
    assert se_log(Ratio(irr=None, ci_low=None, ci_high=None)) is None


def test_two_equal_runs_pool_to_their_value_without_heterogeneity():
    p = pool([_run("a", 0.8, 0.1), _run("b", 0.8, 0.1)])
    assert p.irr == pytest.approx(0.8) and p.i2 == 0 and p.tau2 == 0
    # fixed and random effects agree: the pooled standard error is 0.1 / sqrt(2), on a t interval with 1 df
    assert math.log(p.ci_high / p.irr) == pytest.approx(12.706204736174698 * 0.1 / math.sqrt(2))
    assert p.voorspelling_low is None  # two runs leave no degrees of freedom for a prediction


def test_two_different_runs_by_hand():
    # log 0.6 and log 0.9, both se 0.1: Q = (d/2)^2/0.01 * 2 = d^2 / 0.02 with d = log(0.9/0.6); with equal
    # variances v, Paule-Mandel and DerSimonian-Laird agree: tau2 = sum (y - mean)^2 / (k - 1) - v = d^2/2 - v
    d = math.log(0.9 / 0.6)
    q = d**2 / 0.02
    p = pool([_run("a", 0.6, 0.1), _run("b", 0.9, 0.1)])
    assert p.q == pytest.approx(q)
    assert p.i2 == pytest.approx((q - 1) / q)
    assert p.tau2 == pytest.approx(d**2 / 2 - 0.01, rel=1e-4)
    se_pooled = math.sqrt((0.01 + p.tau2) / 2)
    assert math.log(p.ci_high / p.irr) == pytest.approx(12.706204736174698 * se_pooled, rel=1e-4)
    assert p.irr == pytest.approx(math.sqrt(0.6 * 0.9))  # equal weights: the geometric mean
    diff = differences([_run("a", 0.6, 0.1), _run("b", 0.9, 0.1)])[0]
    assert diff.ratio == pytest.approx(0.6 / 0.9)
    assert math.log(diff.ci_high / diff.ratio) == pytest.approx(1.959963984540054 * math.sqrt(0.02))
    assert diff.p == pytest.approx(p.p_heterogeniteit)  # with two runs the Q test is the z test squared


def test_fewer_than_two_runs_are_not_pooled():
    assert pool([_run("a", 0.8, 0.1)]) is None


def test_clients_needed_by_hand():
    # se 0.1 with 100 clients: sigma 1; for 0.8 at 80% power, two-sided 5%: (2.8016 / 0.22314)^2 = 157.6 -> 158
    assert clients_needed(0.1, 100, 0.8, 0.05, 0.8) == 158
    assert clients_needed(0.1, 100, 0.7, 0.05, 0.8) < clients_needed(0.1, 100, 0.9, 0.05, 0.8)


def test_a_difference_in_method_is_listed_with_what_it_affects():
    methods = {"a": {"IMK-indeling": "x", "versie": "1"}, "b": {"IMK-indeling": "y", "versie": "1"}}
    import pipeline.editions.compare as compare

    found = method_differences(
        {k: {**{m: "" for m in compare.MARKING | compare.OTHER}, **v} for k, v in methods.items()}
    )
    assert [d.kenmerk for d in found] == ["IMK-indeling"] and "E-categorieën" in found[0].gevolg


# --- the command on real runs ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_runs(default_run, tmp_path_factory):
    """The default run, a second edition and a second region (the generator's examples), and the default run
    again with another IMK mapping."""
    from tests.conftest import run_cli

    folder = tmp_path_factory.mktemp("vergelijk")
    from pipeline.synthetic.editions import write_examples

    write_examples(folder)
    files = [default_run[0] / "intern" / "results.json"]
    for name in ("editie-2025", "regio-b"):
        out = folder / name / "rapport"
        done = run_cli(
            "run", "--bvh", str(folder / name / "bvh.csv"), "--clients", str(folder / name / "clients.csv"),
            "--config", str(folder / name / "analysis.yaml"), "--out", str(out),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        files.append(out / "intern" / "results.json")
    other = json.loads(files[0].read_text(encoding="utf-8"))
    other["provenance"]["mapping"]["sha256"] = "f" * 64
    other["settings"]["rapport"]["organisatie"] = "ZVH met eigen indeling"
    (folder / "other.json").write_text(json.dumps(other), encoding="utf-8")
    files.append(folder / "other.json")
    out = folder / "vergelijking"
    done = run_cli("vergelijk", *map(str, files), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out, json.loads((out / "vergelijking.json").read_text(encoding="utf-8"))


def test_the_comparison_holds_every_run_and_the_pooled_estimate(three_runs):
    out, c = three_runs
    assert len(c["runs"]) == 4
    for run in c["runs"]:
        assert run["ci_low"] < run["irr"] < run["ci_high"]
    pooled = c["pooled"]
    assert {"irr", "ci_low", "ci_high", "i2"} <= set(pooled) and 0 <= pooled["i2"] <= 1
    assert pooled["n_runs"] == 3  # the run with another mapping is not pooled
    other = next(r for r in c["runs"] if r["organisatie"] == "ZVH met eigen indeling")
    # the default run has a comparison group, the examples not: all are compared on the estimator the settings
    # name (which every run has), and that difference is listed without marking
    assert other["gemarkeerd"] and [d["kenmerk"] for d in c["methode_verschillen"]] == [
        "IMK-indeling",
        "vergelijkingsgroep",
    ]
    assert {r["estimator"] for r in c["runs"]} == {"cohort"}
    html = (out / "vergelijking.html").read_text(encoding="utf-8")
    assert "IMK-indeling" in html and "niet samengenomen" in html and other["label"] + " *" in html
    # the default run failed its pre-trend check: neither it nor a pool that holds it reads as an effect
    assert c["runs"][0]["pretrend_passed"] is False and "evenmin als effect van het ICO te lezen" in html
    assert (out / "vergelijking.pdf").stat().st_size > 10_000
    assert {p.name for p in (out / "tables").iterdir()} >= {"runs.csv", "schattingen.csv", "planning.csv"}


def test_the_examples_recover_their_documented_truth(three_runs):
    _, c = three_runs
    by_org = {r["label"]: r for r in c["runs"]}
    edition = next(r for label, r in by_org.items() if "2022–2025" in label)
    region = next(r for label, r in by_org.items() if "regio B" in label)
    assert edition["ci_low"] < 0.8 < edition["ci_high"]  # the true rate ratio of the later edition
    assert region["ci_low"] < 1.0 < region["ci_high"]  # and of the other region: no effect


@pytest.mark.parametrize("case", ["one", "missing", "not json"])
def test_bad_input_to_vergelijk_is_a_clear_stop(tmp_path, capsys, case):
    from pipeline.cli import main

    bad = tmp_path / "x.json"
    if case == "not json":
        bad.write_text("{niet json", encoding="utf-8")
    args = {"one": [str(bad)], "missing": [str(bad), str(bad)], "not json": [str(bad), str(bad)]}[case]
    assert main(["--quiet", "vergelijk", *args, "--out", str(tmp_path / "out")]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_three_runs_get_a_prediction_interval_wider_than_the_pooled_one():
    p = pool([_run("a", 0.65, 0.065), _run("b", 0.74, 0.055), _run("c", 1.02, 0.055)])
    assert p.voorspelling_low < p.ci_low < p.irr < p.ci_high < p.voorspelling_high
    # the interval on 2 degrees of freedom: t 4.303 times the random-effects standard error, not z 1.96
    se_re = math.sqrt(1 / sum(1 / (v**2 + p.tau2) for v in (0.065, 0.055, 0.055)))
    assert math.log(p.ci_high / p.irr) == pytest.approx(4.302652729911275 * se_re, rel=1e-6)
    assert math.log(p.irr / p.ci_low) == pytest.approx(4.302652729911275 * se_re, rel=1e-6)

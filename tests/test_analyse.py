"""Analysis (SPEC §5): counts, tests, subgroups, Holm, change groups, on hand-made clients."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import scipy.stats

from pipeline.analysis.analyse import analyse
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.stats import rank_biserial, wilcoxon
from tests.conftest import typed

START, END = "2020-08-31", "2020-09-30"
DATE = {"voor": "2020-07-15", "tijdens": "2020-09-10", "na": "2020-11-15"}


def build(specs, settings, mapping, types: dict[str, str] | None = None):
    """specs: (client_id, sex, age, {period: [codes]}) -> (results, per-client counts); types: ICO type per id."""
    clients, bvh, n = [], [], 0
    for cid, sex, age, regs in specs:
        clients.append({"client_id": cid, "geslacht": sex, "leeftijd": str(age), "ico_start": START, "ico_eind": END})
        if types is not None:
            clients[-1]["ico_type"] = types.get(cid, "")
        for period, codes in regs.items():
            for code in codes:
                n += 1
                bvh.append(
                    {
                        "client_id": cid,
                        "registratienummer": f"R{n}",
                        "datum": DATE[period],
                        "imk_code": code,
                        "rol": "verdachte",
                    }
                )
    if not bvh:  # the file needs at least one row; give it to a person outside the client list
        bvh.append(
            {"client_id": "nobody", "registratienummer": "R0", "datum": DATE["voor"], "imk_code": "E33", "rol": ""}
        )
    c, b = typed(clients, bvh)
    rows, aligned = align(b, c, settings)
    results, per_client = analyse(classify(rows, mapping, settings), aligned, mapping, settings)
    return results.to_dict(), per_client  # the results as results.json has them


def counts(voor: int, na: int, code: str = "E33") -> dict:
    return {"voor": [code] * voor, "na": [code] * na}


def test_group_of_nine_is_not_tested_group_of_ten_is(settings, mapping):
    nine = [(f"a{i}", "man", 30, counts(i + 2, i % 3)) for i in range(9)]
    ten = [(f"b{i}", "man", 40, counts(2 * i + 1, i)) for i in range(10)]
    results, _ = build(nine + ten, settings, mapping)
    small, big = results["by_age"]["26-35"], results["by_age"]["36-45"]
    assert small["n"] == 9 and small["p"] is None and small["p_holm"] is None
    assert small["reden"] == "niet getoetst i.v.m. te kleine aantallen" and small["getoetst"] is False
    voor, na = [2 * i + 1 for i in range(10)], list(range(10))
    assert big["n"] == 10 and big["p"] == pytest.approx(scipy.stats.wilcoxon(voor, na).pvalue)
    assert (big["voor"], big["na"]) == (sum(voor), sum(na))
    # Holm over the one family of tested subgroups: 'man' (19 clients) and 36-45
    p_man = results["by_sex"]["man"]["p"]
    low, high = sorted([p_man, big["p"]])
    holm_low, holm_high = min(1, 2 * low), max(min(1, 2 * low), high)
    adjusted = {p_man: results["by_sex"]["man"]["p_holm"], big["p"]: big["p_holm"]}
    assert adjusted[low] == pytest.approx(holm_low) and adjusted[high] == pytest.approx(holm_high)
    assert list(results["by_age"]) == ["26-35", "36-45"]  # only groups that occur, in bin order


def test_ico_types_are_groups_of_their_own_in_the_one_holm_family(settings, mapping):
    """By hand: 10 'regulier' clients (tested), 3 'PGA OGGZ 1%' (too few), 2 without a type (never tested, listed
    last); Holm runs over man and regulier together."""
    regular = [(f"r{i}", "man", 30, counts(i + 2, i % 2)) for i in range(10)]
    pga = [(f"p{i}", "man", 30, counts(3, 1)) for i in range(3)]
    untyped = [(f"u{i}", "man", 30, counts(1, 2)) for i in range(2)]
    types = {c[0]: "regulier" for c in regular} | {c[0]: " PGA OGGZ 1%" for c in pga}
    results, _ = build(regular + pga + untyped, settings, mapping, types)
    by_type = results["by_ico_type"]
    assert list(by_type) == ["PGA OGGZ 1%", "regulier", "onbekend"]
    assert (by_type["PGA OGGZ 1%"]["n"], by_type["PGA OGGZ 1%"]["voor"], by_type["PGA OGGZ 1%"]["na"]) == (3, 9, 3)
    assert by_type["PGA OGGZ 1%"]["p"] is None and by_type["onbekend"]["reden"] == "niet getoetst: soort ICO onbekend"
    voor, na = [i + 2 for i in range(10)], [i % 2 for i in range(10)]
    assert by_type["regulier"]["p"] == pytest.approx(scipy.stats.wilcoxon(voor, na).pvalue)
    assert (by_type["onbekend"]["voor"], by_type["onbekend"]["na"]) == (2, 4)
    # Holm over three by hand: man and 26-35 are the same 15 clients (one p twice), regulier the third
    p_all, p_regular = results["by_sex"]["man"]["p"], by_type["regulier"]["p"]
    assert results["by_age"]["26-35"]["p"] == p_all
    ordered = sorted([p_all, p_all, p_regular])
    steps = [min(1.0, (3 - i) * q) for i, q in enumerate(ordered)]
    adjusted = [max(steps[: i + 1]) for i in range(3)]
    expected_all = adjusted[ordered.index(p_all)] if p_all < p_regular else adjusted[2]
    assert results["by_sex"]["man"]["p_holm"] == pytest.approx(expected_all)
    assert by_type["regulier"]["p_holm"] == pytest.approx(adjusted[ordered.index(p_regular)])
    without, _ = build(regular, settings, mapping)
    assert without["by_ico_type"] == {}  # no type named anywhere: no breakdown that only repeats the totals


def test_sex_unknown_is_listed_but_never_tested(settings, mapping):
    specs = [(f"x{i}", "X", 30, counts(i + 3, 1)) for i in range(12)]
    results, _ = build(specs, settings, mapping)
    assert results["by_sex"]["onbekend"]["n"] == 12
    assert results["by_sex"]["onbekend"]["p"] is None
    assert results["overall"]["wilcoxon"]["p"] is not None


def test_all_pairs_equal_gives_null_p_and_a_reason(settings, mapping):
    specs = [(f"c{i}", "V", 50, counts(i % 4, i % 4)) for i in range(12)]
    results, _ = build(specs, settings, mapping)
    assert results["overall"]["wilcoxon"]["p"] is None
    assert results["overall"]["wilcoxon"]["statistic"] is None
    assert "alle paren gelijk" in results["overall"]["wilcoxon"]["reden"]
    assert results["by_sex"]["vrouw"]["p"] is None and results["by_sex"]["vrouw"]["p_holm"] is None
    assert results["overall"]["rank_biserial"] is None


def test_client_without_registrations_counts_with_zeros(settings, mapping):
    results, table = build([("quiet", "M", 20, {}), ("busy", "M", 20, counts(4, 1))], settings, mapping)
    assert results["n_clients"] == 2 and results["overall"]["n"] == 2
    assert table.loc["quiet", ["voor", "tijdens", "na"]].tolist() == [0, 0, 0]
    assert results["data_quality"]["clients_without_registrations"] == 1
    assert results["change_groups"]["weinig"]["afname_0_10"] == 1  # 0 -> 0: d = 0


@pytest.mark.parametrize(
    ("voor", "na", "group", "label"),
    [
        (9, 9, "weinig", "afname_0_10"),
        (9, 10, "weinig", "toegenomen"),
        (9, 8, "weinig", "afname_11_50"),  # d = 1/9 > 0.10
        (9, 5, "weinig", "afname_11_50"),  # d = 4/9 < 0.50
        (9, 4, "weinig", "afname_50_plus"),
        (10, 9, "veel", "afname_0_10"),  # d = 0.10 exactly: at most 10%
        (10, 6, "veel", "afname_11_50"),
        (10, 5, "veel", "afname_50_plus"),  # d = 0.50 exactly: at least 50%
        (10, 0, "veel", "afname_50_plus"),
        (0, 0, "weinig", "afname_0_10"),
        (0, 1, "weinig", "toegenomen"),
        (20, 18, "veel", "afname_0_10"),
        (20, 19, "veel", "afname_0_10"),
    ],
)
def test_change_group_boundaries(settings, mapping, voor, na, group, label):
    results, _ = build([("a", "M", 30, counts(voor, na))], settings, mapping)
    groups = results["change_groups"]
    assert groups[group]["n"] == 1 and groups[group][label] == 1
    other = "veel" if group == "weinig" else "weinig"
    assert groups[other]["n"] == 0
    assert groups[group]["geen_na"] == int(na == 0)


def test_e_categories_severity_classes_and_percentages(settings, mapping):
    specs = [
        ("a", "M", 30, {"voor": ["E11", "E12", "E33", "F12", "A10"], "tijdens": ["E41"], "na": ["E11", "F010"]}),
        ("b", "V", 30, {"voor": ["E 33", "d12"], "na": ["E50"]}),
    ]
    results, table = build(specs, settings, mapping)
    assert results["e_categories"] == {
        "ruzie": {"voor": 2, "tijdens": 0, "na": 1, "totaal": 3, "afname": -1, "afname_pct": pytest.approx(-50.0)},
        "verward persoon": {"voor": 2, "tijdens": 0, "na": 0, "totaal": 2, "afname": -2, "afname_pct": -100.0},
        "zwerver": {"voor": 0, "tijdens": 1, "na": 0, "totaal": 1, "afname": 0, "afname_pct": None},
        "assistenties": {"voor": 0, "tijdens": 0, "na": 1, "totaal": 1, "afname": 1, "afname_pct": None},
    }
    # non-E only: F12 zwaar, A10 middel, D12 zwaar before; F010 licht after
    sev = results["severity"]
    assert {k: (v["voor"], v["tijdens"], v["na"]) for k, v in sev.items()} == {
        "licht": (0, 0, 1),
        "middel": (1, 0, 0),
        "zwaar": (2, 0, 0),
    }
    assert results["imk_classes"] == {"E": 7, "F": 2, "A": 1, "D": 1}
    assert results["windows"]["3 mnd voor"] == 7 and results["windows"]["tijdens"] == 1
    assert results["overall"]["afname_pct"] == pytest.approx((3 - 7) / 7 * 100)
    # severity score: E weighs licht (1), F12 3, A10 2, D12 3, F010 1
    assert table.loc["a", "score_voor"] == 1 + 1 + 1 + 3 + 2 and table.loc["a", "score_na"] == 1 + 1
    assert table.loc["b", "score_voor"] == 1 + 3 and table.loc["b", "score_na"] == 1
    assert results["severity_score"]["voor"] == 12 and results["severity_score"]["na"] == 3


def test_rank_biserial_by_hand():
    # d = [4, 1, -2]: ranks of |d| are 3, 1, 2; R+ = 4, R- = 2: r = (4 - 2) / 6
    assert rank_biserial(np.array([5, 3, 2]), np.array([1, 2, 4])) == pytest.approx(1 / 3)
    # zero differences are dropped as scipy's default drops them
    assert rank_biserial(np.array([3, 1, 4]), np.array([1, 1, 6])) == pytest.approx(0.0)
    assert rank_biserial(np.array([2, 2]), np.array([2, 2])) is None
    assert rank_biserial(np.array([5, 4]), np.array([0, 0])) == 1.0


def test_wilcoxon_uses_scipy_defaults():
    voor, na = np.array([10, 8, 7, 9, 3, 4, 12, 1]), np.array([2, 8, 3, 1, 5, 0, 6, 0])
    expected = scipy.stats.wilcoxon(voor, na)
    got = wilcoxon(voor, na)
    assert got["p"] == pytest.approx(expected.pvalue) and got["statistic"] == expected.statistic
    assert got["n"] == 8 and got["n_ongelijk"] == 7


def test_duration_groups_are_cut_at_whole_months_by_hand():
    import pandas as pd

    from pipeline.analysis.counts import duration_groups

    # thirds at 1.73 and 4.23 months (linear interpolation), rounded to 2 and 4; exactly 2 months belongs to the
    # longer group
    months = pd.Series([0.5, 1.2, 2.0, 3.1, 6.5, 7.0])
    assert duration_groups(months).tolist() == [
        "korter dan 2 mnd",
        "korter dan 2 mnd",
        "2 tot 4 mnd",
        "2 tot 4 mnd",
        "4 mnd of langer",
        "4 mnd of langer",
    ]
    assert set(duration_groups(pd.Series([3.0, 3.0, 3.0]))) == {"alle duren"}  # no cut leaves both sides filled


def test_change_against_duration_is_a_rank_correlation(settings, mapping):
    """Four clients whose ICO lasts 1, 2, 4 and 8 months and whose fall grows with it: rho = -1."""
    from pipeline.analysis.analyse import analyse as run_analyse

    specs = [(f"d{i}", "man", 30, counts(10, 8 - 2 * i)) for i in range(4)]
    ends = ["2020-09-30", "2020-10-31", "2020-12-31", "2021-04-30"]
    clients = [
        {"client_id": c, "geslacht": "man", "leeftijd": "30", "ico_start": "2020-09-01", "ico_eind": e}
        for (c, *_), e in zip(specs, ends, strict=True)
    ]
    after = {
        c: (dt.date.fromisoformat(e) + dt.timedelta(days=45)).isoformat()
        for (c, *_), e in zip(specs, ends, strict=True)
    }
    bvh = [
        {"client_id": c, "registratienummer": f"{c}-{k}-{j}", "datum": date, "imk_code": "E33", "rol": ""}
        for c, _, _, regs in specs
        for k, date in (("voor", "2020-07-15"), ("na", after[c]))
        for j in range(len(regs[k]))
    ]
    c, b = typed(clients, bvh)
    rows, aligned = align(b, c, settings)
    results = run_analyse(classify(rows, mapping, settings), aligned, mapping, settings)[0].to_dict()
    d = results["ico_duur"]
    assert d["n"] == 4 and d["spearman_rho"] == pytest.approx(-1.0)
    assert sum(g["n"] for g in d["groepen"].values()) == 4
    assert sum(g["voor"] for g in d["groepen"].values()) == 40 and results["overall"]["na"] == 8 + 6 + 4 + 2


def test_the_wilcoxon_guard_is_all_pairs_equal_and_nothing_less():
    from pipeline.stages.stats import ALL_PAIRS_EQUAL, paired_test, wilcoxon

    equal = wilcoxon(np.array([0, 3, 5]), np.array([0, 3, 5]))
    assert equal == {"n": 3, "n_ongelijk": 0, "statistic": None, "p": None, "reden": ALL_PAIRS_EQUAL}
    # one unequal pair is a test, if a weak one: scipy's exact distribution of one rank gives p = 1
    one = wilcoxon(np.array([0, 3, 5]), np.array([0, 3, 4]))
    assert one["n_ongelijk"] == 1 and one["p"] == 1.0 and one["statistic"] == 0.0 and "reden" not in one
    assert paired_test(np.array([2, 2]), np.array([2, 2]))["rank_biserial"] is None
    assert paired_test(np.array([2, 2]), np.array([2, 1]))["rank_biserial"] == 1.0


def test_a_subgroup_whose_pairs_are_all_equal_stays_out_of_the_holm_family(settings, mapping):
    # ten women with the same count before and after, twelve men with fewer after
    specs = [(f"v{i}", "V", 30, counts(2, 2)) for i in range(10)]
    specs += [(f"m{i}", "M", 30, counts(i + 4, i % 3)) for i in range(12)]
    results, _ = build(specs, settings, mapping)
    women, men = results["by_sex"]["vrouw"], results["by_sex"]["man"]
    assert women["getoetst"] is False and women["p"] is None and women["p_holm"] is None
    assert "alle paren gelijk" in women["reden"]
    tested = [g for groups in ("by_sex", "by_age", "by_ico_type") for g in results[groups].values() if g["p"]]
    # Holm over the tested groups with a p-value only: the smallest p is multiplied by their number
    smallest = min(g["p"] for g in tested)
    assert min(g["p_holm"] for g in tested) == pytest.approx(min(1.0, smallest * len(tested)))
    assert men["p_holm"] is not None

"""An attack on the published tables of a report on data with small and dominated groups.

The attacker reads only the CSV tables (what gets published), treats every '<5' and 'x' as an unknown, and
writes down every sum the tables show: body rows to the total row, periods to the row total, the men and
women of a class to the class count, the categories to the E count, the groups of every table to the same
overall numbers. One quantity shown in two tables is one unknown. A hidden cell that this system of equations
pins down (linear algebra; and with the bounds a reader knows, '<5' is 1 to 4, by linear programming) is
recomputed: the test fails. The pipeline's own audit is not used.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from tests.conftest import SYNTHETIC, run_cli

K = 5


def _scenario(folder, default_results) -> tuple:
    """The synthetic default with 2 women and 1 client of unknown sex among the compared clients, and an age
    group of 5 clients one of whom (the most registered client) makes most of its registrations."""
    clients = pd.read_csv(SYNTHETIC / "clients.csv", dtype=str, keep_default_na=False)
    bvh = pd.read_csv(SYNTHETIC / "bvh.csv", dtype=str, keep_default_na=False)
    excluded = {c["client_id"] for c in default_results["data_quality"]["excluded_clients"]}
    compared = clients.loc[~clients["client_id"].isin(excluded), "client_id"].tolist()
    counts = bvh["client_id"].value_counts()
    by_load = sorted(compared, key=lambda c: (-counts.get(c, 0), c))
    heaviest, light = by_load[0], by_load[-4:]
    clients["geslacht"] = "man"
    clients.loc[clients["client_id"].isin(by_load[10:12]), "geslacht"] = "vrouw"
    clients.loc[clients["client_id"] == by_load[12], "geslacht"] = "onbekend"
    ages = clients["leeftijd"].astype(int)
    clients.loc[ages >= 66, "leeftijd"] = "50"
    clients.loc[clients["client_id"].isin([heaviest, *light]), "leeftijd"] = "70"
    clients.to_csv(folder / "clients.csv", index=False)
    return folder / "clients.csv", heaviest


@pytest.fixture(scope="module")
def attacked(default_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("attack")
    clients, _ = _scenario(folder, default_run[1])
    out = folder / "out"
    done = run_cli("run", "--clients", str(clients), "--bvh", str(SYNTHETIC / "bvh.csv"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    results = json.loads((out / "intern" / "results.json").read_text(encoding="utf-8"))
    return out, results


def _table(out, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "tables" / f"{name}.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _hidden(text: str) -> bool:
    return text.startswith("<") or text == "x"


class System:
    """Unknowns (hidden cells), the values shown, and the sums between them."""

    def __init__(self) -> None:
        self.shown: dict[tuple, float] = {}
        self.hidden: dict[tuple, str] = {}
        self.sums: list[tuple[tuple, list[tuple]]] = []

    def cell(self, key: tuple, text: str) -> tuple:
        if _hidden(text):
            self.hidden[key] = text
        elif text not in ("", "–"):
            value = float(text.replace(".", "").replace(",", "."))
            assert self.shown.get(key, value) == value, f"{key}: two tables disagree"
            self.shown[key] = value
        return key

    def add_sum(self, total: tuple, parts: list[tuple], weights: list[float] | None = None) -> None:
        self.sums.append((total, parts, weights or [1.0] * len(parts)))

    def _bounds(self, key: tuple) -> tuple:
        """What the reader knows: a client count '<5' is 1 to 4 for a group (0 to 4 for a cell in a hidden
        group), an 'x' client count at least 5; a registration count at least 0."""
        clients = key[-1] == "n" or key[0] == "chg"
        if not clients:
            return (0, None)
        if self.hidden[key].startswith("<"):
            return (1 if key[-1] == "n" else 0, K - 1)
        return (K, None) if key[-1] == "n" else (0, None)  # an 'x' row of a hidden group may hold a zero

    def recomputed(self) -> list[tuple]:
        names = sorted(self.hidden)
        index = {k: i for i, k in enumerate(names)}
        rows, rhs = [], []
        for total, parts, weights in self.sums:
            row, known = np.zeros(len(names)), 0.0
            for key, sign in [(total, -1.0), *zip(parts, weights, strict=True)]:
                if key in index:
                    row[index[key]] += sign
                elif key in self.shown:
                    known += sign * self.shown[key]
                else:
                    break  # a part that no table shows: this sum tells nothing
            else:
                if row.any():
                    rows.append(row)
                    rhs.append(-known)
        if not rows:
            return []
        a, b = np.array(rows), np.array(rhs)
        rank = np.linalg.matrix_rank(a)
        exact = [k for k in names if np.linalg.matrix_rank(np.vstack([a, np.eye(len(names))[index[k]]])) == rank]
        bounds = [self._bounds(k) for k in names]
        narrow = []
        for k in names:
            c = np.eye(len(names))[index[k]]
            low = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            high = linprog(-c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            assert low.status == 0, (k, low.message)
            top = np.inf if high.status == 3 else -high.fun
            if top - low.fun < 1 - 1e-6:
                narrow.append(k)
        return sorted(set(exact) | set(narrow))


def _groups(system: System, out, table: str, family: str, columns: dict[str, str]) -> None:
    frame = _table(out, table)
    first = frame.columns[0]
    body = frame.loc[frame[first] != "Totaal"]
    total = frame.loc[frame[first] == "Totaal"]
    for column, what in columns.items():
        parts = [system.cell((family, row[first].rstrip("*"), what), row[column]) for _, row in body.iterrows()]
        if len(total):
            system.add_sum(system.cell(("all", what), total.iloc[0][column]), parts)


def _system(out) -> System:
    s = System()
    for table, family in (("geslacht", "sex"), ("leeftijd", "age")):
        _groups(s, out, table, family, {"Cliënten": "n", "Voor": "voor", "Na": "na"})
        _groups(s, out, f"{table}_verdeling", family, {"Cliënten": "n", "Registraties": "totaal"})
    sexes = {"Man": "man", "Vrouw": "vrouw", "Onbekend": "onbekend"}
    for _, row in _table(out, "toetsen").iterrows():
        label = row["Groep"]
        family = "sex" if label in sexes else "age"
        if label != "Alle cliënten" and not label.startswith("Zwaartescore"):
            s.cell((family, label, "n"), row["n"])
    _groups(s, out, "imk_klassen", "class", {"Aantal": "totaal"})
    cross = _table(out, "klassen_geslacht")
    by_sex: dict[str, list] = defaultdict(list)
    for _, row in cross.iterrows():
        parts = []
        for column, sex in sexes.items():
            if column in cross.columns:
                key = s.cell(("cs", row["Klasse"], sex), row[column])
                parts.append(key)
                by_sex[sex].append(key)
        s.add_sum(("class", row["Klasse"], "totaal"), parts)
    for sex, parts in by_sex.items():
        s.add_sum(("sex", sex.capitalize(), "totaal"), parts)
    for table, family in (("e_categorieen", "ecat"), ("zwaarte", "sev")):
        frame = _table(out, table)
        first = frame.columns[0]
        for column in ("Totaal", "Voor", "Tijdens", "Na"):
            keys = [s.cell((family, r[first].rstrip("*"), column), r[column]) for _, r in frame.iterrows()]
            if family == "ecat" and column == "Totaal":
                s.add_sum(("class", "E", "totaal"), keys)
        for _, r in frame.iterrows():
            label = r[first].rstrip("*")
            s.add_sum((family, label, "Totaal"), [(family, label, c) for c in ("Voor", "Tijdens", "Na")])
    sev_total = [k for k in s.shown.keys() | s.hidden.keys() if k[0] == "sev" and k[2] == "Totaal"]
    s.add_sum(("all", "totaal"), [("class", "E", "totaal"), *sev_total])
    for column in ("Voor", "Na"):  # the E categories and the severities of a period: all its registrations
        parts = sorted(k for k in s.shown.keys() | s.hidden.keys() if k[0] in ("ecat", "sev") and k[2] == column)
        s.add_sum(("all", column.lower()), parts)
    changes = _table(out, "veranderingsgroepen")
    for group, rows in changes.groupby("Groep", sort=False):
        parts = [
            s.cell(("chg", group, r["Verandering"]), r["Cliënten"])
            for _, r in rows.iterrows()
            if r["Verandering"] != "Totaal"
        ]
        total = rows.loc[rows["Verandering"] == "Totaal"].iloc[0]
        s.add_sum(s.cell(("chg", group, "n"), total["Cliënten"]), parts)
    s.add_sum(("all", "n"), [k for k in s.shown.keys() | s.hidden.keys() if k[0] == "chg" and k[2] == "n"])
    return s


def test_the_scenario_has_the_small_and_dominated_groups(attacked):
    _, r = attacked
    assert r["by_sex"]["vrouw"]["n"] == 2 and r["by_sex"]["onbekend"]["n"] == 1
    age = r["by_age"]["66-75"]
    assert age["n"] == 5
    top = r["dominance"]["by_age"]["66-75"]["totaal"][0]
    assert top > 0.5 * age["totaal"]  # one client makes most of the group's registrations


def test_no_hidden_cell_of_the_published_tables_can_be_recomputed(attacked):
    out, _ = attacked
    system = _system(out)
    assert len(system.hidden) >= 10 and len(system.sums) >= 30  # the attack has something to work with
    assert system.recomputed() == []


def test_not_man_is_not_shown_and_the_dominated_group_shows_no_registrations(attacked):
    out, _ = attacked
    sexes = _table(out, "geslacht").set_index("Geslacht")
    assert _hidden(sexes.loc["Man", "Cliënten"])  # else total - men = 3 clients
    ages = _table(out, "leeftijd_verdeling").set_index("Leeftijdsgroep")
    assert _hidden(ages.loc["66-75", "Registraties"])
    log = (out / "intern" / "onderdrukking.csv").read_text(encoding="utf-8-sig")
    assert "dominantie" in log and "66-75" in log
    published = [p for p in out.rglob("*") if p.is_file() and "intern" not in p.parts]
    assert not any(p.name in ("results.json", "verantwoording_rijen.csv", "onderdrukking.csv") for p in published)


def test_a_results_json_whose_numbers_do_not_add_up_is_refused(attacked):
    from pipeline.disclosure.protection import Protection
    from pipeline.errors import UserError
    from schemas.results import Results

    _, r = attacked
    edited = json.loads(json.dumps(r))
    edited["by_sex"]["man"]["voor"] += 1  # a hand edit that would make the hidden groups' sum a different one
    with pytest.raises(UserError, match="klopt niet"):
        Protection(Results.model_validate(edited))


def test_a_month_one_client_dominates_is_hidden_in_table_figure_and_text(attacked):
    from pipeline.disclosure.protection import Protection
    from pipeline.report.chapters.effect import effect_text, event_study_chart, event_study_table
    from schemas.results import Results

    _, r = attacked
    edited = json.loads(json.dumps(r))
    month = next(m for m in edited["event_study"] if m["referentie"] == "eind" and m["maand"] == 2)
    month["grootste"] = [0.6 * month["registraties"], 1.0]  # one client makes 60% of this month
    results = Results.model_validate(edited)
    p = Protection(results)
    assert ("eind", 2) in p.months and len([m for m in p.months if m[0] == "eind"]) == 2  # and a partner
    rows = {row[0]: row for row in event_study_table(results, p).shown()}
    assert rows["2 mnd na het einde"][1] == "x" and rows["2 mnd na het einde"][3] == "x"
    chart = event_study_chart(results, p)
    assert "+2:" not in chart.alt
    assert effect_text(results, p)["intro"]


def test_a_results_json_without_the_dominance_data_is_refused(attacked):
    from pipeline.disclosure.protection import Protection
    from pipeline.errors import UserError
    from schemas.results import Results

    _, r = attacked
    older = {k: v for k, v in r.items() if k != "dominance"}
    with pytest.raises(UserError, match="oudere versie"):
        Protection(Results.model_validate(older))


def _render(folder, results: dict):
    path = folder / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    out = folder / "out"
    done = run_cli("render", "--results", str(path), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def _score_sums(system: System, out, results: dict) -> None:
    """What the severity score table adds: per period, the score is the weighted sum of the counts by severity
    (the weights are printed under the table), E registrations weighing as licht."""
    weights = results["severity_score"]["gewichten"]
    score = _table(out, "zwaartescore").set_index(_table(out, "zwaartescore").columns[0])
    severities = [r.rstrip("*") for r in _table(out, "zwaarte").iloc[:, 0] if r.rstrip("*") != "Totaal"]
    for column in ("Voor", "Na"):
        total = system.cell(("score", column), score.loc["Totaal", column])
        e_parts = [k for k in system.shown.keys() | system.hidden.keys() if k[0] == "ecat" and k[2] == column]
        system.add_sum(
            total,
            [*sorted(e_parts), *[("sev", sev, column) for sev in severities]],
            [weights["licht"]] * len(e_parts) + [weights[sev.lower()] for sev in severities],
        )


def test_a_dominated_window_and_severity_stay_hidden_in_text_and_under_the_score(attacked, tmp_path):
    """One client makes most of the registrations of '3 mnd voor' and of the zwaar ones: the window is not
    in any sentence or figure, and the severity score with its printed weights does not give zwaar back."""
    from pipeline.formatting.numbers import nl_int

    _, r = attacked
    edited = json.loads(json.dumps(r))
    label = list(edited["windows"])[1]
    edited["dominance"]["windows"][label]["totaal"] = [0.7 * edited["windows"][label], 1.0]
    for column, value in edited["dominance"]["severity"]["zwaar"].items():
        value[0] = 0.9 * edited["severity"]["zwaar"][column]
    out = _render(tmp_path, edited)
    log = (out / "intern" / "onderdrukking.csv").read_text(encoding="utf-8-sig")
    assert f"windows;{label}" in log.replace(",", ";") or label in log
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8")
    value = nl_int(edited["windows"][label])
    assert f"{value} in '{label}'" not in html and "een niet getoond aantal in" in html
    assert "→ " + value not in html and value + " →" not in html  # the rise towards the ICO is told without it
    zwaar = nl_int(edited["severity"]["zwaar"]["voor"])
    assert f"zwaar van {zwaar}" not in html
    system = _system(out)
    _score_sums(system, out, edited)
    assert ("sev", "Zwaar", "Voor") in system.hidden
    assert system.recomputed() == []


def test_figure_shares_are_the_table_shares_with_the_hidden_groups_counted(attacked, monkeypatch):
    """A bar's share is taken against all clients, hidden groups included, as the table takes it: a share over
    the shown groups only would differ from the table and hint at the size of the hidden ones."""
    from pipeline.report import figures
    from pipeline.report.render import make_figures
    from schemas.results import Results

    out, r = attacked
    labels: list[list[str]] = []
    original = figures.label_bars
    monkeypatch.setattr(
        figures, "label_bars", lambda ax, bars, texts, **kw: labels.append(texts) or original(ax, bars, texts, **kw)
    )
    results = Results.model_validate(r)
    make_figures(results)
    table = _table(out, "leeftijd_verdeling").set_index("Leeftijdsgroep")
    shown = [g for g in r["by_age"] if not _hidden(table.loc[g, "Cliënten"])]
    assert len(shown) < len(r["by_age"])  # the scenario hides an age group
    expected = [f"{table.loc[g, 'Cliënten']} ({table.loc[g, '% cliënten']}%)" for g in shown]
    assert expected in labels


def test_the_long_icos_tail_is_a_group_the_rules_see(default_run):
    """The months during the ICO add up to 'tijdens'; the last row pools the long ICOs. With a threshold above
    that group's size, the tail is hidden, and so is a partner, so that 'tijdens' minus the shown months does
    not give it back."""
    from pipeline.disclosure.protection import Protection
    from pipeline.report.chapters.effect import event_study_table
    from schemas.results import Results

    _, r = default_run
    during = [m for m in r["event_study"] if m["referentie"] == "start" and m["maand"] >= 0]
    assert during[-1]["en_later"] and sum(m["registraties"] for m in during) == r["overall"]["tijdens"]
    tail = during[-1]
    edited = json.loads(json.dumps(r))
    edited["settings"]["min_publicatie"] = tail["clients"] + 1
    results = Results.model_validate(edited)
    p = Protection(results)
    hidden = sorted(m for m in p.months if m[0] == "start" and m[1] >= 0)
    assert ("start", tail["maand"]) in hidden and len(hidden) >= 2
    rows = {row[0]: row for row in event_study_table(results, p).shown()}
    assert rows[f"tijdens, maand {tail['maand'] + 1} en later"][1].startswith(("x", "<"))

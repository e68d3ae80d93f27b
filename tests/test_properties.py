"""Properties on random exports (hypothesis): every row is accounted for once, the pipeline agrees with an
independent plain implementation of SPEC §3-§6, and results do not depend on row order."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.analysis.analyse import analyse
from pipeline.io.readers import read_table
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate
from tests import reference
from tests.conftest import MAPPING

CODES = ["E33", "e 33", "E11", "E13", "E41", "E38", "E50", "E40", "F010", "f10", "F12", "D12", "A10", "C10", "i 121"]
VAN, TOT = dt.date(2019, 6, 1), dt.date(2022, 5, 31)


def _code_table() -> dict[str, dict]:
    """The default mapping flattened with plain YAML, independently of pipeline.config.mapping."""
    data = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    table = {}
    for letter, spec in data["klassen"].items():
        for code, entry in spec["codes"].items():
            entry = entry if isinstance(entry, dict) else {}
            table[code] = {
                "klasse": letter,
                "zwaarte": entry.get("zwaarte", spec["zwaarte"]),
                "e_categorie": entry.get("e_categorie", spec.get("e_categorie")),
            }
    return table


CODE_TABLE = _code_table()


@st.composite
def exports(draw):
    n_clients = draw(st.integers(1, 14))
    clients = []
    for i in range(n_clients):
        start = draw(st.dates(dt.date(2019, 9, 1), dt.date(2021, 12, 31)))
        if draw(st.booleans()):  # month ends are where calendar months bite
            start = reference.add_months(start.replace(day=28), 0).replace(day=1) + dt.timedelta(days=-1)
            start = max(start, dt.date(2019, 9, 1))
        open_ico = draw(st.integers(0, 9)) == 0
        end = None if open_ico else start + dt.timedelta(days=draw(st.integers(0, 400)))
        clients.append(
            {
                "client_id": f"C{i:03d}",
                "geslacht": draw(st.sampled_from(["M", "V", "man", "vrouw", "X", "m"])),
                "leeftijd": str(draw(st.integers(12, 92))),
                "ico_start": start.isoformat(),
                "ico_eind": "" if end is None else end.isoformat(),
                "ico_type": draw(st.sampled_from(["regulier", " PGA OGGZ 1%", "", "regulier"])),
            }
        )
    registrations = []
    for _ in range(draw(st.integers(1, 60))):
        owner = draw(st.integers(-1, n_clients - 1))
        client = clients[owner] if owner >= 0 else None
        if client is None:
            date = draw(st.dates(dt.date(2019, 6, 1), dt.date(2022, 5, 31)))
        else:
            start = dt.date.fromisoformat(client["ico_start"])
            end = dt.date.fromisoformat(client["ico_eind"]) if client["ico_eind"] else start
            anchors = [
                reference.add_months(start, -6),
                reference.add_months(start, -3),
                start,
                end,
                reference.add_months(end, 3),
                reference.add_months(end, 6),
            ]
            anchor = draw(st.sampled_from(anchors))
            date = anchor + dt.timedelta(days=draw(st.sampled_from([-1, 0, 1, 17, -40])))
        registrations.append(
            {
                "client_id": "Z999" if client is None else client["client_id"],
                "registratienummer": f"PL-{draw(st.integers(0, 40))}",
                "datum": date.isoformat(),
                "imk_code": draw(st.sampled_from(CODES)),
                "rol": draw(st.sampled_from(["verdachte", "getuige", "slachtoffer"])),
            }
        )
    # one registration per (client, number): repeated rows repeat date and code, only the role may differ
    first: dict[tuple, dict] = {}
    for r in registrations:
        key = (r["client_id"], r["registratienummer"])
        if key in first:
            r["datum"], r["imk_code"] = first[key]["datum"], first[key]["imk_code"]
        else:
            first[key] = r
    seed = draw(st.integers(0, 2**16))
    return clients, registrations, seed


def _write(folder: Path, clients: list[dict], registrations: list[dict]) -> tuple[Path, Path]:
    cpath, bpath = folder / "clients.csv", folder / "bvh.csv"
    pd.DataFrame(clients).to_csv(cpath, index=False)
    pd.DataFrame(registrations, columns=["client_id", "registratienummer", "datum", "imk_code", "rol"]).to_csv(
        bpath, index=False
    )
    return cpath, bpath


def _pipeline(cpath: Path, bpath: Path, settings, mapping) -> dict:
    clients, bvh = validate(read_table(cpath), read_table(bpath))
    rows, aligned = align(bvh, clients, settings)
    return analyse(classify(rows, mapping, settings), aligned, mapping, settings)[0].to_dict()


def _core(results: dict) -> dict:
    """The parts of results.json the reference computes, with floats compared loosely."""
    out = {k: results[k] for k in ("n_clients", "n_registrations", "windows", "imk_classes")}
    out["reconciliation"] = results["reconciliation"]
    out["change_groups"] = results["change_groups"]
    out["e_categories"] = {k: {p: v[p] for p in ("voor", "tijdens", "na")} for k, v in results["e_categories"].items()}
    out["severity"] = {k: {p: v[p] for p in ("voor", "tijdens", "na")} for k, v in results["severity"].items()}
    for family in ("by_sex", "by_age", "by_ico_type"):
        out[family] = {k: {f: v[f] for f in ("n", "voor", "na", "p", "p_holm")} for k, v in results[family].items()}
    o = results["overall"]
    out["overall"] = {"n": o["n"], "voor": o["voor"], "na": o["na"], "p": o["wilcoxon"]["p"]}
    return out


def _approx(value):
    if isinstance(value, dict):
        return {k: _approx(v) for k, v in value.items()}
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-9)
    return value


def _agrees_with_the_reference(settings, mapping, export) -> None:
    clients, registrations, _ = export
    with tempfile.TemporaryDirectory() as folder:
        cpath, bpath = _write(Path(folder), clients, registrations)
        results = _pipeline(cpath, bpath, settings, mapping)
        expected = reference.compute(cpath, bpath, CODE_TABLE, VAN, TOT)
    rec = results["reconciliation"]
    parts = ("duplicates", "unknown_client", "rows_excluded_followup", "outside_windows", "used")
    assert rec["rows_read"] == len(registrations) == sum(rec[k] for k in parts)
    assert _core(results) == _approx(expected)


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_pipeline_agrees_with_the_reference_and_accounts_for_every_row(settings, mapping, export):
    _agrees_with_the_reference(settings, mapping, export)


@pytest.mark.slow  # about a second per example: the many examples run in make test, a few in make test-fast
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_pipeline_agrees_with_the_reference_on_many_exports(settings, mapping, export):
    _agrees_with_the_reference(settings, mapping, export)


@pytest.mark.slow  # two whole pipelines per example (about a minute): in make test, not in the edit loop
@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_results_do_not_depend_on_row_order(settings, mapping, export):
    clients, registrations, seed = export
    shuffled_clients, shuffled_regs = clients[:], registrations[:]
    random.Random(seed).shuffle(shuffled_clients)
    random.Random(seed + 1).shuffle(shuffled_regs)
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        first = _pipeline(*_write(Path(a), clients, registrations), settings, mapping)
        second = _pipeline(*_write(Path(b), shuffled_clients, shuffled_regs), settings, mapping)
    assert first == second

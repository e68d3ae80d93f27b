"""The synthetic default: regenerated from its seed it is byte-identical to the committed files, its manifest
names their SHA-256, and it looks like an export (dates, numbers, roles, repeated rows)."""

from __future__ import annotations

import json

import pandas as pd

from pipeline.io.provenance import sha256, synthetic_manifest
from pipeline.synthetic.default import write_synthetic
from tests.conftest import MAPPING, SYNTHETIC


def test_regenerating_gives_the_committed_bytes(tmp_path):
    write_synthetic(tmp_path, mapping_path=MAPPING)
    for name in ("clients.csv", "bvh.csv", "synthetic.json"):
        assert (tmp_path / name).read_bytes() == (SYNTHETIC / name).read_bytes(), name


def test_manifest_marks_exactly_these_files_as_synthetic(tmp_path):
    manifest = json.loads((SYNTHETIC / "synthetic.json").read_text(encoding="utf-8"))
    assert manifest["files"]["bvh.csv"] == sha256(SYNTHETIC / "bvh.csv")
    assert synthetic_manifest(SYNTHETIC / "bvh.csv", SYNTHETIC / "clients.csv") is not None
    changed = tmp_path / "bvh.csv"
    changed.write_bytes((SYNTHETIC / "bvh.csv").read_bytes() + b"\n")
    (tmp_path / "clients.csv").write_bytes((SYNTHETIC / "clients.csv").read_bytes())
    (tmp_path / "synthetic.json").write_bytes((SYNTHETIC / "synthetic.json").read_bytes())
    assert synthetic_manifest(changed, tmp_path / "clients.csv") is None


def test_looks_like_an_export():
    clients = pd.read_csv(SYNTHETIC / "clients.csv", dtype=str)
    bvh = pd.read_csv(SYNTHETIC / "bvh.csv", dtype=str)
    dates = pd.to_datetime(bvh["datum"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2019-06-01") and dates.max() <= pd.Timestamp("2022-05-31")
    starts = pd.to_datetime(clients["ico_start"], format="%Y-%m-%d")
    assert starts.dt.year.isin([2020, 2021]).all()
    assert set(bvh["rol"]) == {"verdachte", "betrokkene", "slachtoffer", "getuige"}
    repeated = bvh.duplicated(["client_id", "registratienummer"], keep=False)
    assert 0 < repeated.sum() < 100
    two_roles = bvh[repeated].groupby(["client_id", "registratienummer"])["rol"].nunique()
    assert (two_roles > 1).any()
    assert bvh["registratienummer"].str.fullmatch(r"PL\d{4}-\d{10}").all()
    assert set(clients["geslacht"]) == {"man", "vrouw"}

"""The typed frames between the stages (schemas/frames.py): what each stage hands on, and that a frame which
breaks its contract is stopped at the boundary instead of reaching the report."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from pipeline.io.readers import read_table
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate
from schemas import frames
from tests.conftest import SYNTHETIC

BROKEN = (pa.errors.SchemaError, pa.errors.SchemaErrors)  # one failure, or several collected


@pytest.fixture(scope="module")
def staged(settings, mapping) -> dict[str, pd.DataFrame]:
    clients, bvh = validate(read_table(SYNTHETIC / "clients.csv"), read_table(SYNTHETIC / "bvh.csv"))
    rows, aligned = align(bvh, clients, settings)
    return {
        "clients": clients,
        "bvh": bvh,
        "rows": rows,
        "aligned": aligned,
        "classified": classify(rows, mapping, settings),
    }


MODELS = [
    ("clients", frames.ValidatedClients),
    ("bvh", frames.ValidatedBvh),
    ("rows", frames.AlignedRows),
    ("aligned", frames.AlignedClients),
    ("classified", frames.ClassifiedRows),
]


@pytest.mark.parametrize(("name", "model"), MODELS)
def test_each_stage_hands_on_its_typed_frame(staged, name, model):
    model.validate(staged[name])


def test_windows_are_the_settings_own(staged, settings):
    frames.check_windows(staged["rows"], settings.windows)
    with pytest.raises(pa.errors.SchemaError):
        frames.check_windows(staged["rows"], ("12 mnd voor", *settings.windows[1:]))


def _broken(frame: pd.DataFrame, change) -> pd.DataFrame:
    out = frame.copy()
    change(out)
    return out


@pytest.mark.parametrize(
    ("name", "model", "change"),
    [
        ("clients", frames.ValidatedClients, lambda f: f.__setitem__("geslacht", f["geslacht"].replace("man", "M"))),
        ("clients", frames.ValidatedClients, lambda f: f.__setitem__("leeftijd", f["leeftijd"].astype(float))),
        ("clients", frames.ValidatedClients, lambda f: f.__setitem__("extra", 1)),
        ("bvh", frames.ValidatedBvh, lambda f: f.__setitem__("imk_code", f["imk_code"].str.lower())),
        ("bvh", frames.ValidatedBvh, lambda f: f.__setitem__("bron_rij", 2)),
        ("rows", frames.AlignedRows, lambda f: f.__setitem__("status", f["status"].astype(str))),
        (
            "rows",
            frames.AlignedRows,
            lambda f: f.__setitem__("venster", f["venster"].cat.add_categories("x").fillna("x")),
        ),
        ("aligned", frames.AlignedClients, lambda f: f.__setitem__("vergeleken", True)),
        ("classified", frames.ClassifiedRows, lambda f: f.__setitem__("gewicht", f["gewicht"].astype(object))),
        ("classified", frames.ClassifiedRows, lambda f: f.__setitem__("e_categorie", None)),
    ],
)
def test_a_frame_that_breaks_its_contract_is_stopped(staged, name, model, change):
    with pytest.raises(BROKEN):
        model.validate(_broken(staged[name], change))


def test_column_order_is_part_of_the_contract(staged):
    frame = staged["bvh"]
    with pytest.raises(BROKEN):
        frames.ValidatedBvh.validate(frame[list(reversed(frame.columns))])

"""Every form an export arrives in gives the same results as the canonical CSV (issue 4): ';' with a BOM,
Windows-1252 with DD-MM-YYYY dates, DD/MM/YYYY, and an Excel workbook with date cells and the export's own
column names (renamed through the settings)."""

from __future__ import annotations

import dataclasses

import openpyxl
import pandas as pd
import pytest

from pipeline.config.settings import InputSpec
from pipeline.io.outputs import to_json
from pipeline.io.readers import read_table
from pipeline.stages.align import align
from pipeline.stages.analyse import analyse
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate
from tests.conftest import SYNTHETIC

CLIENTS = pd.read_csv(SYNTHETIC / "clients.csv", dtype=str, keep_default_na=False)
BVH = pd.read_csv(SYNTHETIC / "bvh.csv", dtype=str, keep_default_na=False)
DATES = {"clients": ["ico_start", "ico_eind"], "bvh": ["datum"]}
OWN_HEADERS = {
    "registratienummer": "Registratienummer",
    "datum": "Pleegdatum",
    "imk_code": "Maatschappelijke klasse code",
    "rol": "Rol",
    "client_id": "Client ID",
}


def _results(settings, mapping, clients_path, bvh_path) -> str:
    clients, bvh = validate(
        read_table(clients_path, settings.clients_input.sheet, dict(settings.clients_input.columns)),
        read_table(bvh_path, settings.bvh_input.sheet, dict(settings.bvh_input.columns)),
    )
    rows, aligned = align(bvh, clients, settings)
    results, _ = analyse(classify(rows, mapping, settings), aligned, mapping, settings)
    return to_json(results.to_dict())


def _redate(frame: pd.DataFrame, columns: list[str], fmt: str) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        parsed = pd.to_datetime(out[c], format="%Y-%m-%d", errors="coerce")
        out[c] = parsed.dt.strftime(fmt).fillna("")
    return out


@pytest.fixture(scope="module")
def canonical(settings, mapping) -> str:
    return _results(settings, mapping, SYNTHETIC / "clients.csv", SYNTHETIC / "bvh.csv")


def test_semicolon_with_bom(settings, mapping, canonical, tmp_path):
    for name, frame in (("clients", CLIENTS), ("bvh", BVH)):
        (tmp_path / f"{name}.csv").write_bytes(frame.to_csv(index=False, sep=";").encode("utf-8-sig"))
    assert _results(settings, mapping, tmp_path / "clients.csv", tmp_path / "bvh.csv") == canonical


@pytest.mark.parametrize(("fmt", "encoding", "sep"), [("%d-%m-%Y", "cp1252", ";"), ("%d/%m/%Y", "utf-8", ",")])
def test_day_first_dates_and_windows_1252(settings, mapping, canonical, tmp_path, fmt, encoding, sep):
    for name, frame in (("clients", CLIENTS), ("bvh", BVH)):
        text = _redate(frame, DATES[name], fmt).to_csv(index=False, sep=sep, lineterminator="\r\n")
        (tmp_path / f"{name}.csv").write_bytes(text.encode(encoding))
    assert _results(settings, mapping, tmp_path / "clients.csv", tmp_path / "bvh.csv") == canonical


def test_excel_with_date_cells_own_headers_and_a_named_sheet(settings, mapping, canonical, tmp_path):
    for name, frame in (("clients", CLIENTS), ("bvh", BVH)):
        book = openpyxl.Workbook()
        book.active.title = "Toelichting"
        book.active.append(["Export uit BVH, vertrouwelijk"])
        sheet = book.create_sheet("Gegevens")
        headers = [OWN_HEADERS.get(c, c) if name == "bvh" else c for c in frame.columns]
        sheet.append(headers)
        for row in frame.itertuples(index=False):
            cells = []
            for column, value in zip(frame.columns, row, strict=True):
                if column in DATES[name] and value:
                    cells.append(pd.Timestamp(value).to_pydatetime())
                elif column == "leeftijd":
                    cells.append(int(value))
                else:
                    cells.append(value or None)
            sheet.append(cells)
        book.save(tmp_path / f"{name}.xlsx")
    renamed = dataclasses.replace(
        settings,
        bvh_input=InputSpec(sheet="Gegevens", columns=tuple((v, k) for k, v in OWN_HEADERS.items())),
        clients_input=InputSpec(sheet="Gegevens"),
    )
    assert _results(renamed, mapping, tmp_path / "clients.xlsx", tmp_path / "bvh.xlsx") == canonical


def test_headers_match_without_case_and_spaces(settings, mapping, canonical, tmp_path):
    CLIENTS.rename(columns=lambda c: f" {c.upper()} ").to_csv(tmp_path / "clients.csv", index=False)
    BVH.rename(columns=lambda c: c.replace("_", " ").title()).to_csv(tmp_path / "bvh.csv", index=False)
    assert _results(settings, mapping, tmp_path / "clients.csv", tmp_path / "bvh.csv") == canonical

"""Stage 5, render: the report from results.json: HTML, tables as CSV, results.json beside them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from pipeline.formatting import nl_int, nl_pct
from pipeline.paths import TEMPLATES
from pipeline.report_tables import main_tables

HTML_NAME = "rendementsanalyse.html"


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def key_sentences(r: dict[str, Any]) -> list[str]:
    o = r["overall"]
    lng = r["settings"]["vensters"]["lang_maanden"]
    words = {6: "zes", 3: "drie", 12: "twaalf"}.get(lng, str(lng))
    direction = "daalde" if o["na"] < o["voor"] else ("steeg" if o["na"] > o["voor"] else "bleef gelijk")
    change = "" if o["afname_pct"] is None else f" ({nl_pct(o['afname_pct'], sign=True)})"
    return [
        f"Het aantal registraties {direction} van {nl_int(o['voor'])} in de {words} maanden vóór het ICO naar "
        f"{nl_int(o['na'])} in de {words} maanden erna{change}.",
        f"Het gaat om {nl_int(r['n_clients'])} cliënten met samen {nl_int(r['n_registrations'])} registraties "
        f"in de vijf perioden rond het ICO.",
    ]


def render(results: dict[str, Any], out: Path) -> list[Path]:
    """Write the report into `out` (a fresh folder); return the files written."""
    out = Path(out)
    written: list[Path] = []
    tables = main_tables(results)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    for table in tables:
        path = out / "tables" / f"{table.id}.csv"
        path.write_bytes(table.to_csv())
        written.append(path)
    env = environment()
    html = env.get_template("report.html").render(
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        synthetic=results["inputs"]["synthetic"],
        key_sentences=key_sentences(results),
        tables=tables,
    )
    (out / HTML_NAME).write_text(html, encoding="utf-8")
    written.append(out / HTML_NAME)
    return written

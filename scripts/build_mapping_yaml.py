"""One-off: turn the shared IMK table (imk_mapping.tsv) into config/imk_mapping.yaml.

Run once when the project was set up; afterwards the YAML is the file researchers edit and this script is
kept only to show where its content came from:

    python scripts/build_mapping_yaml.py ../shared/imk/imk_mapping.tsv config/imk_mapping.yaml
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

HEADER = """\
# IMK-mapping: van IMK-code naar klasse, E-categorie en zwaarte.
#
# Dit is het bestand dat onderzoekers aanpassen. Opbouw:
#   gewichten       het gewicht van elke zwaarte voor de zwaartescore (ook de lijst van toegestane zwaartes)
#   e_categorieen   de toegestane E-categorieën (alleen voor klasse E, 'meldingen en assistentie')
#   klassen         per klasseletter: naam, standaardzwaarte (en voor E de standaard-E-categorie) en codes
# Een code staat onder de klasse van haar letter, als
#     A10: "OMSCHRIJVING"                                     (klassestandaard geldt)
# of  F12: {omschrijving: "OMSCHRIJVING", zwaarte: zwaar}     (afwijkende zwaarte)
# of  E33: {omschrijving: "OMSCHRIJVING", e_categorie: verward persoon}
# Voorloopnullen tellen: F010 (openbare dronkenschap) is een andere code dan F10.
# Elke E-code is 'licht'. Bij het laden wordt alles gecontroleerd: een onbekende sleutel, een code die twee
# keer voorkomt, een onbekende categorie of zwaarte en een gewicht dat geen getal is stoppen de run.
#
# Herkomst: de INP2013-tabel van de politie (maatschappelijke klasse), E-categorieën volgens het rapport
# Rendementsanalyse ICO, zwaarte als gedocumenteerd standaardoordeel van dit project: toets en pas aan.
"""


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def build(tsv: Path) -> str:
    table = pd.read_csv(tsv, sep="\t", dtype=str, keep_default_na=False)
    lines = [HEADER, "gewichten:", "  licht: 1", "  middel: 2", "  zwaar: 3", ""]
    lines.append("e_categorieen: [ruzie, verward persoon, alcohol/drugs, zwerver, assistenties, overig]")
    lines += ["", "klassen:"]
    for letter, rows in table.groupby("klasse", sort=True):
        default_severity = rows["zwaarte"].mode().sort_values().iloc[0]
        lines.append(f"  {letter}:")
        lines.append(f"    naam: {_q(rows['klasse_naam'].iloc[0])}")
        lines.append(f"    zwaarte: {default_severity}")
        default_category = None
        if letter == "E":
            default_category = "overig"
            lines.append(f"    e_categorie: {default_category}")
        lines.append("    codes:")
        for row in rows.itertuples():
            extra = []
            if row.zwaarte != default_severity:
                extra.append(f"zwaarte: {row.zwaarte}")
            if default_category and row.e_categorie != default_category:
                extra.append(f"e_categorie: {row.e_categorie}")
            if extra:
                lines.append(f"      {row.code}: {{omschrijving: {_q(row.omschrijving)}, {', '.join(extra)}}}")
            else:
                lines.append(f"      {row.code}: {_q(row.omschrijving)}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(build(Path(sys.argv[1])), encoding="utf-8")

"""A second edition and a second region beside the synthetic default, each with a documented true effect, so
that `make vergelijk` on a fresh clone compares real runs.

Both are simulated exports (pipeline/synthetic/simulation.py) with a known rate ratio after the ICO; the default
report's data are calibrated to the published numbers instead, so their true effect is not known. Each folder
gets its export, its client list, its own settings (the default ones with its period and organisation) and
the manifest that marks the files as synthetic.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.io.outputs import atomic_file
from pipeline.synthetic.simulation import Truth, simulate

GENERATOR = "pipeline.synthetic.editions"


@dataclass(frozen=True)
class Example:
    name: str
    organisatie: str
    truth: Truth
    seed: int
    years_later: int  # the default export's period moved this many years on: a later edition
    datum: str


EXAMPLES = (
    Example("editie-2025", "Zorg- en Veiligheidshuis", Truth(irr=0.8, n_clients=300), 2025, 3, "2025-11-30"),
    Example("regio-b", "Zorg- en Veiligheidshuis regio B", Truth(irr=1.0, n_clients=250), 4242, 0, "2022-11-30"),
)


def _shift(frame: pd.DataFrame, columns: list[str], years: int) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        dates = pd.to_datetime(out[c].replace("", None), format="%Y-%m-%d")
        out[c] = (dates + pd.DateOffset(years=years)).dt.strftime("%Y-%m-%d").fillna("")
    return out


def _settings(text: str, example: Example, van: str, tot: str) -> str:
    """The default settings with this run's period, organisation and date: line by line, comments kept."""
    replace = {
        r"^(  van: ).*$": van,
        r"^(  tot: ).*$": tot,
        r"^(  organisatie: ).*$": example.organisatie,
        r"^(  datum: ).*$": example.datum,
    }
    for pattern, value in replace.items():
        text, n = re.subn(pattern, lambda m, v=value: m.group(1) + v, text, count=1, flags=re.MULTILINE)
        if n != 1:
            raise ValueError(f"{pattern} not found once in the default settings")
    return text


def write_examples(folder: Path, config: Path = paths.DEFAULT_CONFIG) -> list[Path]:
    """Write every example into folder/<name>/: clients.csv, bvh.csv, analysis.yaml, synthetic.json."""
    written = []
    for example in EXAMPLES:
        van, tot = (f"{int(y) + example.years_later}-{md}" for y, md in (("2019", "06-01"), ("2022", "05-31")))
        clients, export = simulate(example.truth, example.seed)
        clients = _shift(clients, ["ico_start", "ico_eind"], example.years_later)
        export = _shift(export, ["datum"], example.years_later)
        files = {
            paths.DEFAULT_CLIENTS.name: clients.to_csv(index=False, lineterminator="\n").encode("utf-8"),
            paths.DEFAULT_BVH.name: export.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        }
        target = Path(folder) / example.name
        for name, data in files.items():
            with atomic_file(target / name) as tmp:
                tmp.write_bytes(data)
            written.append(target / name)
        settings = _settings(Path(config).read_text(encoding="utf-8"), example, van, tot)
        with atomic_file(target / "analysis.yaml") as tmp:
            tmp.write_text(settings, encoding="utf-8")
        manifest = {
            "synthetic": True,
            "description": f"Gesimuleerde gegevens: geen echte personen of registraties. Ware verhouding na het "
            f"ICO: {example.truth.irr:g} ({example.truth.n_clients} cliënten, periode {van} t/m {tot}).",
            "generator": GENERATOR,
            "seed": example.seed,
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        }
        with atomic_file(target / paths.SYNTHETIC_MANIFEST) as tmp:
            tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written += [target / "analysis.yaml", target / paths.SYNTHETIC_MANIFEST]
    return written


if __name__ == "__main__":
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else paths.PROCESSED / "voorbeeld"
    config = Path(sys.argv[2]) if len(sys.argv) > 2 else paths.DEFAULT_CONFIG
    for path in write_examples(folder, config):
        print(path)

"""Where things are: the defaults of every command, relative to the project folder it runs in."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"

SYNTHETIC_DIR = Path("data/raw/synthetic")
DEFAULT_BVH = SYNTHETIC_DIR / "bvh.csv"
DEFAULT_CLIENTS = SYNTHETIC_DIR / "clients.csv"
# the synthetic comparison population (issue 12), used with the synthetic default when no other is named
DEFAULT_COMPARISON_PERSONS = SYNTHETIC_DIR / "comparison_persons.csv"
DEFAULT_COMPARISON_BVH = SYNTHETIC_DIR / "comparison_bvh.csv"
SYNTHETIC_MANIFEST = "synthetic.json"  # beside generated files: generator, seed and their SHA-256

DEFAULT_CONFIG = Path("config/analysis.yaml")
DEFAULT_MAPPING = Path("config/imk_mapping.yaml")
PROCESSED = Path("data/processed")
DEFAULT_OUT = Path("reports")
DEFAULT_NARRATIVE = Path("narrative")  # the chapters the analyst writes, in Markdown

# Stage outputs in PROCESSED, in processing order.
VALIDATED_CLIENTS = "clients.parquet"
VALIDATED_BVH = "bvh.parquet"
DETENTION = "detention.parquet"  # only when detention periods are given
COMPARISON_PERSONS = "comparison_persons.parquet"  # only with a comparison group (issue 12)
COMPARISON_BVH = "comparison_bvh.parquet"
INPUTS = "inputs.json"
ALIGNED_ROWS = "aligned.parquet"
ALIGNED_CLIENTS = "clients_aligned.parquet"
CLASSIFIED = "classified.parquet"
RESULTS = "results.json"
CLIENT_COUNTS = "client_counts.parquet"
SUPPRESSION_LOG = "onderdrukking.csv"  # in intern/: every cell disclosure control hid, with its rule
ROW_FATES = "verantwoording_rijen.csv"  # beside the report: what became of each input row, by row number

"""The benchmark (`make bench`): exports of 10 thousand to 10 million registrations (one client per 20) made by
the project's simulation, run end to end (report included) in a fresh process, timed per stage with peak memory,
and the core counting compared with DuckDB doing the same on the same files.

Writes benchmarks/RESULTS.md. A script, not a test: speed is measured here, never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from pipeline.config.mapping import load_mapping
from pipeline.config.settings import Settings, load_settings
from pipeline.io.readers import read_table
from pipeline.paths import DEFAULT_CONFIG, DEFAULT_MAPPING
from pipeline.stages.align import align
from pipeline.stages.classify import classify
from pipeline.stages.validate import validate
from pipeline.synthetic.region import Region, simulate_region
from pipeline.synthetic.simulation import write_large_export

STAGES = ("validate", "align", "classify", "analyse", "render")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
DUCKDB_CORE = """
WITH c AS (
  SELECT client_id, CAST(ico_start AS DATE) AS s, CAST(NULLIF(ico_eind, '') AS DATE) AS e
  FROM read_csv('{clients}', all_varchar = true)
),
b AS (
  SELECT DISTINCT ON (client_id, registratienummer) client_id, CAST(datum AS DATE) AS d,
         upper(replace(imk_code, ' ', '')) AS code
  FROM read_csv('{bvh}', all_varchar = true)
),
w AS (
  SELECT client_id, substr(code, 1, 1) AS klasse,
    CASE
      WHEN d >= s - INTERVAL 6 MONTH AND d < s - INTERVAL 3 MONTH THEN '6 mnd voor'
      WHEN d >= s - INTERVAL 3 MONTH AND d < s THEN '3 mnd voor'
      WHEN d >= s AND d <= e THEN 'tijdens'
      WHEN d > e AND d <= e + INTERVAL 3 MONTH THEN '3 mnd na'
      WHEN d > e + INTERVAL 3 MONTH AND d <= e + INTERVAL 6 MONTH THEN '6 mnd na'
    END AS venster
  FROM b JOIN c USING (client_id)
  WHERE e IS NOT NULL AND s - INTERVAL 6 MONTH >= DATE '{van}' AND e + INTERVAL 6 MONTH <= DATE '{tot}'
)
SELECT client_id, venster, klasse, count(*) AS n FROM w WHERE venster IS NOT NULL GROUP BY ALL
"""


def core_pipeline(bvh: Path, clients: Path, settings: Settings, mapping) -> tuple[float, int]:
    """The pipeline's own core counting: read, validate, dedupe, align to the windows, classify, count per
    client, window and class."""
    began = time.perf_counter()
    c, b = validate(read_table(clients), read_table(bvh))
    rows, _ = align(b, c, settings)
    used = classify(rows, mapping, settings).loc[lambda f: f["status"] == "used"]
    counts = used.groupby(["client_id", "venster", "klasse"], observed=True).size()
    return time.perf_counter() - began, int(counts.sum())


def core_duckdb(bvh: Path, clients: Path, settings: Settings) -> tuple[float, int]:
    import duckdb

    began = time.perf_counter()
    query = DUCKDB_CORE.format(bvh=bvh, clients=clients, van=settings.van.date(), tot=settings.tot.date())
    counts = duckdb.connect().execute(query).df()
    return time.perf_counter() - began, int(counts["n"].sum())


def write_large_comparison(folder: Path, n_persons: int, seed: int = 11, chunk: int = 20_000) -> dict[str, Path]:
    """A region with a comparison population of about `n_persons` persons (issue 12): the clients, their export
    and the first chunk's population from one simulated region (referrals after a spell, true effect 0.8), the
    rest in chunks of persons of the region without an ICO, written as they are simulated so that memory stays
    small (500,000 persons and ten million registrations included)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: folder / f"{name}.csv" for name in ("clients", "bvh", "comparison_persons", "comparison_bvh")}
    # a ZVH's few hundred clients: referral rarer than in the default region
    first = simulate_region(Region(irr=0.8, n_persons=chunk, mean_rate=0.55, hazard=0.0002), seed)
    first["clients"].to_csv(files["clients"], index=False, lineterminator="\n")
    first["bvh"].to_csv(files["bvh"], index=False, lineterminator="\n")
    with (
        open(files["comparison_persons"], "w", encoding="utf-8", newline="") as persons_out,
        open(files["comparison_bvh"], "w", encoding="utf-8", newline="") as bvh_out,
    ):
        first["comparison_persons"].to_csv(persons_out, index=False, lineterminator="\n")
        first["comparison_bvh"].to_csv(bvh_out, index=False, lineterminator="\n")
        written, number, part = len(first["comparison_persons"]), len(first["comparison_bvh"]), 1
        while written < n_persons:
            region = simulate_region(Region(n_persons=chunk, mean_rate=0.55, hazard=0.0), seed + part)
            prefix = f"B{part:03d}-"
            persons, export = region["comparison_persons"], region["comparison_bvh"]
            persons = persons.assign(client_id=prefix + persons["client_id"]).head(n_persons - written)
            export = export.loc[export["client_id"].isin(persons["client_id"].str[len(prefix) :])]
            export = export.assign(
                client_id=prefix + export["client_id"],
                registratienummer=[f"PL-B{k:09d}" for k in range(number, number + len(export))],
            )
            persons.to_csv(persons_out, index=False, header=False, lineterminator="\n")
            export.to_csv(bvh_out, index=False, header=False, lineterminator="\n")
            written, number, part = written + len(persons), number + len(export), part + 1
    return files


def end_to_end(bvh: Path, clients: Path, out: Path, extra: tuple[str, ...] = ()) -> dict:
    """The whole pipeline in a fresh process under /usr/bin/time: seconds per stage, wall time, peak memory."""
    command = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        "-m",
        "pipeline",
        "run",
        "--bvh",
        str(bvh),
        "--clients",
        str(clients),
        "--out",
        str(out),
        *extra,
    ]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    # the progress lines write seconds as the Dutch do: 1.234,56 s
    stages = {
        m.group(1): float(m.group(2).replace(".", "").replace(",", "."))
        for m in re.finditer(r"^(\w+)\s.*\(([\d.,]+) s\)$", done.stderr, re.M)
    }
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return {"stages": stages, "wall": wall, "peak_gib": peak_kb / 1024**2}


def comparison_lines(sizes: list[int]) -> list[str]:
    """The whole pipeline with a comparison group of each size: its own validation line ('vergelijk') and the
    analyse stage, which now matches and estimates."""
    lines = [
        "With a comparison group (issue 12): clients of one simulated region, comparison persons from it and from "
        "regions without ICO; `vergelijk` reads and validates the comparison files, `analyse` also matches "
        "(risk sets at each client's start) and estimates.",
        "",
        "| comparison persons | their registrations | clients | validate | vergelijk | analyse | render "
        "| end to end | peak memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-comparison-{size}-"))
        try:
            files = write_large_comparison(folder, size)
            extra = ("--comparison-persons", str(files["comparison_persons"]))
            extra += ("--comparison-bvh", str(files["comparison_bvh"]))
            run = end_to_end(files["bvh"], files["clients"], folder / "out", extra)
            s = run["stages"]
            lines.append(
                f"| {_count_lines(files['comparison_persons']) - 1:,} | {_count_lines(files['comparison_bvh']) - 1:,} "
                f"| {_count_lines(files['clients']) - 1:,} | "
                + " | ".join(f"{s.get(k, float('nan')):.1f} s" for k in ("validate", "vergelijk", "analyse", "render"))
                + f" | {run['wall']:.1f} s | {run['peak_gib']:.2f} GiB |"
            )
            print(lines[-1], file=sys.stderr)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return lines


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def machine() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        models = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
    cpu = models[0] if models else "unknown CPU"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; Python {platform.python_version()}, pandas "
        f"{version('pandas')}, statsmodels {version('statsmodels')}, DuckDB {version('duckdb')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000, 10_000_000])
    parser.add_argument(
        "--comparison", type=int, nargs="*", default=[500_000], help="persons of the comparison benchmark (issue 12)"
    )
    args = parser.parse_args()
    settings, mapping = load_settings(DEFAULT_CONFIG), load_mapping(DEFAULT_MAPPING)
    lines = [
        "| registrations | clients | validate | align | classify | analyse | render | end to end | peak memory "
        "| core counting | DuckDB | ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
        try:
            clients, bvh = write_large_export(folder, size)
            rows, n_clients = _count_lines(bvh) - 1, _count_lines(clients) - 1
            run = end_to_end(bvh, clients, folder / "out")
            ours, counted = core_pipeline(bvh, clients, settings, mapping)
            duck, duck_counted = core_duckdb(bvh, clients, settings)
            if counted != duck_counted:
                raise RuntimeError(f"the pipeline counts {counted} registrations in the windows, DuckDB {duck_counted}")
            s = run["stages"]
            lines.append(
                f"| {rows:,} | {n_clients:,} | "
                + " | ".join(f"{s.get(k, float('nan')):.1f} s" for k in STAGES)
                + f" | {run['wall']:.1f} s | {run['peak_gib']:.2f} GiB | {ours:.1f} s | {duck:.1f} s | "
                f"{ours / duck:.1f}x |"
            )
            print(lines[-1], file=sys.stderr)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    lines += ["", *comparison_lines(args.comparison)]
    text = (
        "# Benchmark\n\n"
        f"Machine: {machine()}.\n\n"
        "End to end: `python -m pipeline run` in a fresh process, report (HTML, PDF, figures, tables) included; "
        "stage times as the pipeline reports them; peak memory is the maximum resident set size. Core counting: "
        "read both files, validate and type them, drop repeated registrations, place them in the five windows, "
        "and count per client, window and IMK class, by the pipeline's own functions and by one DuckDB query on "
        "the same files (both count the same registrations; the script checks it).\n\n" + "\n".join(lines) + "\n"
    )
    Path("benchmarks").mkdir(exist_ok=True)
    Path("benchmarks/RESULTS.md").write_text(text, encoding="utf-8")
    readme = Path("README.md")
    content = readme.read_text(encoding="utf-8")
    if START in content and END in content:
        table = f"Machine: {machine()}.\n\n" + "\n".join(lines) + "\n"
        readme.write_text(
            re.sub(f"{START}.*?{END}", lambda _: f"{START}\n{table}{END}", content, flags=re.S), encoding="utf-8"
        )
    print(text)


if __name__ == "__main__":
    main()

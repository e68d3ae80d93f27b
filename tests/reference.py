"""An independent, deliberately plain implementation of SPEC §3-§6 for checking the pipeline.

It loops over rows with the standard library and dateutil-free month arithmetic, shares no code with the
pipeline except the YAML mapping it is given as a plain dict, and is only fast enough for tests.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from pathlib import Path

import scipy.stats
from statsmodels.stats.multitest import multipletests

SEX = {"m": "man", "man": "man", "v": "vrouw", "vrouw": "vrouw", "x": "onbekend", "onbekend": "onbekend"}
AGE_BINS = [
    ("<18", 0, 17),
    ("18-25", 18, 25),
    ("26-35", 26, 35),
    ("36-45", 36, 45),
    ("46-55", 46, 55),
    ("56-65", 56, 65),
    ("66-75", 66, 75),
    ("76-85", 76, 85),
    ("86+", 86, 200),
]


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months with the day clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def window(d: dt.date, start: dt.date, end: dt.date) -> str | None:
    if add_months(start, -6) <= d < add_months(start, -3):
        return "6 mnd voor"
    if add_months(start, -3) <= d < start:
        return "3 mnd voor"
    if start <= d <= end:
        return "tijdens"
    if end < d <= add_months(end, 3):
        return "3 mnd na"
    if add_months(end, 3) < d <= add_months(end, 6):
        return "6 mnd na"
    return None


def load_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def compute(clients_path: Path, bvh_path: Path, code_table: dict[str, dict], van: dt.date, tot: dt.date) -> dict:
    clients = {}
    for row in load_csv(clients_path):
        start = parse_date(row["ico_start"])
        end = parse_date(row["ico_eind"])
        ok = end is not None and add_months(start, -6) >= van and add_months(end, 6) <= tot
        age = int(row["leeftijd"])
        group = next(label for label, lo, hi in AGE_BINS if lo <= age <= hi)
        clients[row["client_id"].strip()] = {
            "sex": SEX[row["geslacht"].strip().lower()],
            "age": group,
            "type": (row.get("ico_type") or "").strip() or "onbekend",
            "start": start,
            "end": end,
            "ok": ok,
            "voor": 0,
            "tijdens": 0,
            "na": 0,
        }

    recon = {
        "rows_read": 0,
        "duplicates": 0,
        "unknown_client": 0,
        "rows_excluded_followup": 0,
        "outside_windows": 0,
        "used": 0,
    }
    seen = set()
    windows = {w: 0 for w in ("6 mnd voor", "3 mnd voor", "tijdens", "3 mnd na", "6 mnd na")}
    e_cat: dict[str, dict[str, int]] = {}
    sev: dict[str, dict[str, int]] = {}
    classes: dict[str, int] = {}
    for row in load_csv(bvh_path):
        recon["rows_read"] += 1
        key = (row["client_id"].strip(), row["registratienummer"].strip())
        if key in seen:
            recon["duplicates"] += 1
            continue
        seen.add(key)
        client = clients.get(key[0])
        if client is None:
            recon["unknown_client"] += 1
            continue
        if not client["ok"]:
            recon["rows_excluded_followup"] += 1
            continue
        w = window(parse_date(row["datum"]), client["start"], client["end"])
        if w is None:
            recon["outside_windows"] += 1
            continue
        recon["used"] += 1
        windows[w] += 1
        period = "voor" if "voor" in w else ("na" if "na" in w.split() else "tijdens")
        client[period] += 1
        code = "".join(row["imk_code"].split()).upper()
        info = code_table[code]
        classes[info["klasse"]] = classes.get(info["klasse"], 0) + 1
        if info["klasse"] == "E":
            e_cat.setdefault(info["e_categorie"], {"voor": 0, "tijdens": 0, "na": 0})[period] += 1
        else:
            sev.setdefault(info["zwaarte"], {"voor": 0, "tijdens": 0, "na": 0})[period] += 1
    recon["clients_excluded_followup"] = sum(not c["ok"] for c in clients.values())

    compared = [c for c in clients.values() if c["ok"]]

    def test(group: list[dict]) -> float | None:
        voor = [c["voor"] for c in group]
        na = [c["na"] for c in group]
        if all(a == b for a, b in zip(voor, na, strict=True)):
            return None
        return float(scipy.stats.wilcoxon(voor, na).pvalue)

    def subgroups(key: str, labels: list[str], testable) -> dict:
        out = {}
        for label in labels:
            group = [c for c in compared if c[key] == label]
            if not group:
                continue
            p = test(group) if testable(label, len(group)) else None
            out[label] = {
                "n": len(group),
                "voor": sum(c["voor"] for c in group),
                "na": sum(c["na"] for c in group),
                "p": p,
                "p_holm": None,
            }
        return out

    by_sex = subgroups("sex", ["man", "vrouw", "onbekend"], lambda lab, n: lab != "onbekend" and n >= 10)
    by_age = subgroups("age", [b[0] for b in AGE_BINS], lambda lab, n: n >= 10)
    types = sorted({c["type"] for c in compared} - {"onbekend"})
    by_type = subgroups("type", [*types, "onbekend"], lambda lab, n: lab != "onbekend" and n >= 10) if types else {}
    tested = [g for fam in (by_sex, by_age, by_type) for g in fam.values() if g["p"] is not None]
    if tested:
        for g, adj in zip(tested, multipletests([g["p"] for g in tested], method="holm")[1], strict=True):
            g["p_holm"] = float(adj)

    change = {}
    for name in ("weinig", "veel"):
        members = [c for c in compared if (c["voor"] >= 10) == (name == "veel")]
        tally = {"n": len(members), "toegenomen": 0, "afname_0_10": 0, "afname_11_50": 0, "afname_50_plus": 0}
        tally["geen_na"] = sum(1 for c in members if c["na"] == 0)
        for c in members:
            if c["na"] > c["voor"]:
                tally["toegenomen"] += 1
                continue
            d = 0.0 if c["voor"] == 0 else (c["voor"] - c["na"]) / c["voor"]
            if d <= 0.10:
                tally["afname_0_10"] += 1
            elif d < 0.50:
                tally["afname_11_50"] += 1
            else:
                tally["afname_50_plus"] += 1
        change[name] = tally

    voor = sum(c["voor"] for c in compared)
    na = sum(c["na"] for c in compared)
    return {
        "n_clients": len(compared),
        "n_registrations": recon["used"],
        "windows": windows,
        "overall": {"n": len(compared), "voor": voor, "na": na, "p": test(compared)},
        "by_sex": by_sex,
        "by_age": by_age,
        "by_ico_type": by_type,
        "e_categories": e_cat,
        "severity": sev,
        "imk_classes": classes,
        "change_groups": change,
        "reconciliation": recon,
    }

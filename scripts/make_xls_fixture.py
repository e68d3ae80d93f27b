"""Write tests/fixtures/clients.xls: the synthetic client list as an Excel 97-2003 workbook (BIFF8), with date
cells, as old police and ZVH systems still export it.

Nothing in the project writes .xls (calamine only reads it), so the file is made once with xlwt, outside the
project's environment, and committed:

    python -m venv /tmp/xlwt && /tmp/xlwt/bin/pip install xlwt pandas
    /tmp/xlwt/bin/python scripts/make_xls_fixture.py

Run it again whenever data/raw/synthetic/clients.csv changes (tests/test_formats.py then says so).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import xlwt

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "raw" / "synthetic" / "clients.csv"
TARGET = ROOT / "tests" / "fixtures" / "clients.xls"
DATES = ("ico_start", "ico_eind")


def main() -> None:
    frame = pd.read_csv(SOURCE, dtype=str, keep_default_na=False)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Cliënten")
    date_style = xlwt.easyxf(num_format_str="DD-MM-YYYY")
    for j, name in enumerate(frame.columns):
        sheet.write(0, j, name)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, (name, value) in enumerate(zip(frame.columns, row, strict=True)):
            if name in DATES and value:
                sheet.write(i, j, dt.datetime.strptime(value, "%Y-%m-%d"), date_style)
            elif name == "leeftijd":
                sheet.write(i, j, int(value))
            else:
                sheet.write(i, j, value)
    book.save(str(TARGET))
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes, {len(frame)} rows)")


if __name__ == "__main__":
    main()

"""The police export (BVH): one row per registration per client (SPEC §2)."""

from __future__ import annotations

import pandera.pandas as pa

from schemas.checks import a_date, not_empty
from schemas.parsing import CODE_PATTERN, normalise_codes

BVH_COLUMNS = ("client_id", "registratienummer", "datum", "imk_code", "imk_omschrijving", "rol")

BVH_SCHEMA = pa.DataFrameSchema(
    {
        "client_id": pa.Column(str, not_empty()),
        "registratienummer": pa.Column(str, not_empty()),
        "datum": pa.Column(str, a_date()),
        "imk_code": pa.Column(
            str,
            pa.Check(
                lambda s: normalise_codes(s).str.fullmatch(CODE_PATTERN.pattern),
                error="must be an IMK code: a class letter, one to five digits and maybe a closing letter (E33, F010)",
            ),
        ),
        "imk_omschrijving": pa.Column(str, required=False),
        "rol": pa.Column(str, required=False),
    },
    name="bvh",
)

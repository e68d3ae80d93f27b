"""The data contracts of the two inputs (SPEC §2), as pandera schemas on the text of the file.

The schemas check the file as the analyst wrote it (every cell as text), so a failure shows the value as it
stands in the file; parsing into dates and numbers happens after validation, when it can no longer fail.
"""

from schemas.bvh import BVH_COLUMNS, BVH_SCHEMA
from schemas.clients import CLIENT_COLUMNS, CLIENTS_SCHEMA
from schemas.clients import FRAME_CHECK_COLUMNS as _CLIENT_FRAME_CHECKS
from schemas.detention import DETENTION_COLUMNS, DETENTION_SCHEMA
from schemas.detention import FRAME_CHECK_COLUMNS as _DETENTION_FRAME_CHECKS

# Which column a frame-wide check is about, for the error report.
FRAME_CHECK_COLUMNS = _CLIENT_FRAME_CHECKS | _DETENTION_FRAME_CHECKS

__all__ = [
    "BVH_COLUMNS",
    "BVH_SCHEMA",
    "CLIENTS_SCHEMA",
    "CLIENT_COLUMNS",
    "DETENTION_COLUMNS",
    "DETENTION_SCHEMA",
    "FRAME_CHECK_COLUMNS",
]

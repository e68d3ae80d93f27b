"""The data contracts of the two inputs (SPEC §2), as pandera schemas on the text of the file.

The schemas check the file as the analyst wrote it (every cell as text), so a failure shows the value as it
stands in the file; parsing into dates and numbers happens after validation, when it can no longer fail.
"""

from schemas.bvh import BVH_COLUMNS, BVH_SCHEMA
from schemas.clients import CLIENT_COLUMNS, CLIENTS_SCHEMA, FRAME_CHECK_COLUMNS

__all__ = ["BVH_COLUMNS", "BVH_SCHEMA", "CLIENTS_SCHEMA", "CLIENT_COLUMNS", "FRAME_CHECK_COLUMNS"]

"""The data contracts: of the two inputs, the detention periods and the comparison persons (SPEC §2: parse,
then check the parsed values with pandera, so a failure names its column and the value as it stands in the
file), of the frames between the stages (frames.py), and of results.json (results.py, results.schema.json).

The schemas depend on nothing of the pipeline; the pipeline imports them.
"""

from schemas import bvh, clients, detention, persons
from schemas.bvh import BVH_COLUMNS
from schemas.clients import CLIENT_COLUMNS
from schemas.detention import DETENTION_COLUMNS

__all__ = ["BVH_COLUMNS", "CLIENT_COLUMNS", "DETENTION_COLUMNS", "bvh", "clients", "detention", "persons"]

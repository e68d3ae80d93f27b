"""Resultaten: politieregistraties voor en na het ICO, the report's chapter of counts, in four modules by what
they show: population, before_after, subgroups, kinds."""

from __future__ import annotations

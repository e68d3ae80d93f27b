"""Rendementsanalyse ICO: validate, align, classify, analyse and render police registrations around an ICO."""

__version__ = "0.1.0"

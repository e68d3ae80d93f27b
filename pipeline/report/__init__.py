"""Stage 5, the report: tables, text, figures and the HTML/PDF, from the results alone, with disclosure control.
The report is laid out by chapter (chapters/), each chapter holding its tables, figures and sentences."""

import matplotlib

# Figures are files, never windows: the file backend before any module of the package imports pyplot.
matplotlib.use("Agg")

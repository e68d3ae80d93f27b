"""Stage 4, analyse: the counts, tests and effect estimates assembled into the typed results."""

"""The matched comparison group from police data: risk-set matching and its difference-in-differences."""

"""Settings and the IMK mapping: the YAML a researcher edits, read strictly into typed objects."""

"""The file edges: reading exports, writing outputs atomically, and the provenance of both."""

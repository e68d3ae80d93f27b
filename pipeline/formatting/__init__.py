"""Writing numbers and tables the Dutch way, for the page and for Excel."""

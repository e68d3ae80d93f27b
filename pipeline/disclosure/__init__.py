"""Disclosure control: which published counts to hide so that no group of fewer than k clients can be seen or
recomputed (cells, suppression, the protection a report uses, safe bins)."""

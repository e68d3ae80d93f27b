"""Editions and regions compared: several runs' results side by side and pooled."""

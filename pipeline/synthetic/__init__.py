"""Synthetic data with a documented truth: the default export and its comparison population, simulated
regions and editions, and the exports of the simulation study and the benchmark."""

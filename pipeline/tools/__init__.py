"""Tools around the pipeline: the synthetic default, the simulation study, pseudonymisation, the Make graph."""

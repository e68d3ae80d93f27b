"""The effect estimators: the client x month panel, fixed-effects Poisson and imputation, the two-period
estimates, event time, the power of the design, and the matched comparison group (matched/)."""

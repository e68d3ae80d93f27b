"""The pure stages: validate, align, classify, analyse (with the effect estimates and the tests), data frames in,
data frames and results out, no file reading or writing."""

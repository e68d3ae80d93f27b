"""The data's own words, defined once: every stage, the report and the typed frames use these.

Dutch where they are the data's vocabulary (SPEC §3, §5, §6); the order of each tuple is the order in which
the report shows them and the categories of the typed frames.
"""

from __future__ import annotations

SEXES = ("man", "vrouw", "onbekend")
SEXES_TESTED = ("man", "vrouw")  # SPEC §5: the sex subgroups; 'onbekend' is shown, never tested

PERIODS = ("voor", "tijdens", "na")
CHANGE_GROUPS = ("weinig", "veel")
CHANGE_CLASSES = ("toegenomen", "afname_0_10", "afname_11_50", "afname_50_plus")

E_CLASS = "E"  # the IMK class of the E-meldingen (meldingen en assistentie)

# The fate of every input row, in the fixed order of SPEC §6: a row takes the first status that applies.
# 'excluded_role' only occurs when the settings restrict the roles that count; such rows are set aside
# before duplicates are looked for, so a registration counts when any of its counting roles is present.
STATUSES = ("excluded_role", "duplicate", "unknown_client", "excluded_followup", "outside_windows", "used")
# Rows that are registrations of a known client, counted once: everything the windows could hold.
USABLE = ("used", "outside_windows", "excluded_followup")

# Why a client is left out of the comparison (SPEC §3).
EXCLUSION_REASONS = {
    "open_ico": "ICO nog niet afgesloten (geen einddatum)",
    "before_period": "venster vóór het ICO begint vóór het begin van de exportperiode",
    "after_period": "venster na het ICO loopt door na het einde van de exportperiode",
}

# The effect estimators (issue 11), in the order of the report's effect table; effect.primair names one.
ESTIMATORS = ("cohort", "comparison", "imputation", "naive", "symmetric")

# The roles a client can have in a registration, in the order the report shows them; other roles in an export
# follow alphabetically, and a row without a role is 'onbekend', last.
ROLES = ("verdachte", "slachtoffer", "getuige", "betrokkene")
UNKNOWN_ROLE = "onbekend"

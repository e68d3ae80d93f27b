"""Disclosure control for everything published, as the report's tables, figures and sentences use it.

A group (a sex, an age group, a change group, an IMK class, a code, a category, a cell of a cross table) of
1 to k-1 clients shows '<k' instead of its numbers; a registration count that one or two clients make almost
alone, or a count that would let a hidden one be recomputed, shows 'x' (pipeline/disclosure/suppression.py).
Frequency distributions of registrations per client are binned so that no bin stands for fewer than k clients.
results.json stays exact: it is the analyst's internal file, and the audit log of every hidden cell sits
beside it in intern/.
"""

from __future__ import annotations

from pipeline.disclosure.cells import month_key, registry
from pipeline.disclosure.suppression import exposure, suppress_all
from pipeline.errors import UserError
from pipeline.formatting.table import Hidden
from schemas.results import Results
from schemas.vocabulary import CHANGE_CLASSES

SECONDARY = "x"


def _check_sums(reg) -> None:
    """A results.json whose numbers do not add up (edited by hand, or of another version) is refused: its
    protection could not be checked."""
    for rel in reg.relations:
        total = reg.value[rel.total]
        parts = sum(w * reg.value[p] for p, w in zip(rel.parts, rel.coefficients(), strict=True))
        if rel.total not in reg.unpublished and abs(total - parts) > 1e-6 * max(1.0, abs(total)):
            raise UserError(
                f"results.json klopt niet: {'/'.join(rel.total)} is {total:g}, maar de delen tellen op tot "
                f"{parts:g}; maak results.json opnieuw met de analyse-stap"
            )


class Protection:
    """Every suppression decision for one report, made once from results.json over all its published counts
    (pipeline/disclosure/cells.py, pipeline/disclosure/suppression.py), so that the tables, the figures and the
    sentences hide exactly the same cells, and no hidden cell follows from the others."""

    def __init__(self, r: Results) -> None:
        k = self.k = r.settings.min_publicatie
        one, two = r.settings.dominantie.grootste, r.settings.dominantie.twee_grootste
        if r.dominance is None:
            raise UserError(
                "results.json van een oudere versie: de gegevens voor de dominantieregel ontbreken, dus het rapport "
                "kan niet veilig worden gemaakt; draai de analyse-stap opnieuw"
            )
        self.registry = registry(r)
        _check_sums(self.registry)
        self.decisions = suppress_all(self.registry, k, one, two)
        per = r.clients_per
        self.sex = self._family(("sex", g, "n") for g in r.by_sex)
        self.age = self._family(("age", g, "n") for g in r.by_age)
        self.ico_type = self._family(("ico", g, "n") for g in r.by_ico_type)
        self.ico_duration = self._family(("dur", g, "n") for g in (r.ico_duur.groepen if r.ico_duur else {}))
        self.imk_class = self._family(("class", c) for c in r.imk_classes)
        self.e_code = self._family(("code", c) for c in r.e_codes)
        self.e_category = self._family(("ecat", c, "totaal") for c in r.e_categories)
        self.severity = self._family(("sev", s, "totaal") for s in r.severity)
        self.windows = self._family(("win", w) for w in r.windows)
        self.role = self._family(("rol", role, "totaal") for role in r.by_role)
        self.role_clients = self._family(("rolc", role) for role in r.by_role)
        self.months = {(m.referentie, m.maand) for m in r.event_study if month_key(m) in self.decisions}
        self.change_group = self._family(("chg", g, "n") for g in r.change_groups)
        self.change = {g: self._family((("chg", g, c) for c in CHANGE_CLASSES), 2) for g in r.change_groups}
        self.change_total = self._family(("chgc", c) for c in CHANGE_CLASSES)
        cross = self._marks(("cs", c, g) for c, line in r.class_by_sex.items() for g in line)
        self.class_by_sex = {(c, g): mark for (_, c, g), mark in cross.items()}
        self.class_by_age = {(klasse, age): n for klasse, ages in per.class_by_age.items() for age, n in ages.items()}
        self.excluded = self._family(("excl", reason) for reason in r.data_quality.clients_excluded_followup)
        self.score = self._family(("score", c) for c in ("voor", "na"))
        self.no_after = self._family(("chgz", g) for g in r.change_groups)
        self.mix = self._family([("mix", "n")], 0).get("mix")
        totals = [key for key in self.decisions if key[0] in ("n", "reg")]
        if totals:
            raise UserError(
                "geen publiceerbaar rapport: de totalen zelf zouden een cliënt herkenbaar maken ("
                + "; ".join(f"{'/'.join(key)}: {self.decisions[key].why}" for key in sorted(totals))
                + "); controleer de invoer. Alleen voor een intern rapport dat niet gepubliceerd wordt: zet "
                "min_publicatie op 1 en beide dominantiegrenzen op 1"
            )
        open_cells = exposure(self.registry, self.decisions, k)
        if open_cells:
            raise UserError(
                "geen publiceerbaar rapport: ook met alle andere getallen verborgen zijn deze af te leiden ("
                + "; ".join("/".join(key) for key, _, _ in open_cells[:5])
                + "); te weinig cliënten voor een rapport met deze min_publicatie"
            )

    def _marks(self, keys) -> dict[tuple[str, ...], Hidden]:
        """{key: what the reader sees} of the hidden ones among `keys`."""
        return {key: Hidden(self.decisions[key].mark(self.k)) for key in keys if key in self.decisions}

    def _family(self, keys, name: int = 1) -> dict[str, Hidden]:
        """{group: mark} of the hidden ones, keyed by the group's name (part `name` of the key)."""
        return {key[name]: mark for key, mark in self._marks(keys).items()}

    def hidden_in(self, family: str) -> dict[str, Hidden]:
        """The hidden groups of a family of results: by_sex, by_age, by_ico_type, e_categories or severity."""
        return {
            "by_sex": self.sex,
            "by_age": self.age,
            "by_ico_type": self.ico_type,
            "ico_duur": self.ico_duration,
            "e_categories": self.e_category,
            "severity": self.severity,
            "by_role": self.role,
        }[family]

    def log_rows(self) -> list[list[str | float]]:
        """The audit log: every hidden cell with its value, rule and reason (internal: it holds the values)."""
        reg = self.registry
        return [
            [reg.family[key], "/".join(key[1:]) or key[0], reg.value[key], d.rule, d.mark(self.k), d.why]
            for key, d in sorted(self.decisions.items())
        ]

    def footnote(self) -> str:
        return (
            f"<{self.k}: een groep van minder dan {self.k} cliënten; om niemand herkenbaar te maken staan haar "
            f"aantallen er niet. x: niet getoond, omdat één of twee cliënten het grootste deel van deze registraties "
            f"hebben, omdat de cliënten buiten de groep er minder dan {self.k} zijn, of zodat een verborgen getal "
            f"niet uit de totalen en de andere getallen is af te leiden."
        )

"""Every count the report publishes, as one registry of cells and the sums that tie them together.

Disclosure control needs to see the report as an attacker does: not table by table, but as one system of
numbers. A cell is a count with a canonical key (the same number in two tables is one cell); a relation says
that one cell is the sum of others (a table's total, a margin of a cross table, an identity across tables such
as 'all registrations = E registrations + the other registrations by severity'). A cell that no table shows but
that the published numbers determine (the E registrations per period) is registered as unpublished: it is an
unknown to the attacker, not a number the report shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.results import Results
from schemas.vocabulary import CHANGE_CLASSES, EXCLUSION_REASONS, PERIODS

Key = tuple[str, ...]
COLUMNS = (*PERIODS, "totaal")  # the registration counts a group shows: voor, tijdens, na and all five windows


@dataclass(frozen=True)
class Relation:
    total: Key
    parts: tuple[Key, ...]
    disjoint: bool  # the parts are disjoint sets of clients (a client counts in one part only)
    weights: tuple[float, ...] | None = None  # total = sum of weight x part (the severity score); None: all 1

    def coefficients(self) -> tuple[float, ...]:
        return self.weights if self.weights is not None else (1.0,) * len(self.parts)


@dataclass
class Registry:
    value: dict[Key, float] = field(default_factory=dict)
    clients: dict[Key, int] = field(default_factory=dict)  # the clients behind a cell: the threshold rule
    tops: dict[Key, tuple[float, float]] = field(default_factory=dict)  # largest two clients: the dominance rule
    kind: dict[Key, str] = field(default_factory=dict)  # 'clients' (a count of clients) or 'registraties'
    family: dict[Key, str] = field(default_factory=dict)  # which part of the report, for the audit log
    unpublished: set[Key] = field(default_factory=set)
    implies: dict[Key, tuple[Key, ...]] = field(default_factory=dict)  # hiding the key hides these too
    # 'clients with at least one X' counts: how many of all clients are not in it (n minus the count tells them)
    complement: dict[Key, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(
        self,
        key: Key,
        value: float,
        kind: str,
        family: str,
        clients: int | None = None,
        tops: list[float] | None = None,
        published: bool = True,
    ) -> Key:
        self.value[key] = float(value)
        self.kind[key] = kind
        self.family[key] = family
        if clients is not None:
            self.clients[key] = int(clients)
        if tops is not None:
            self.tops[key] = (float(tops[0]), float(tops[1]))
        if not published:
            self.unpublished.add(key)
        return key

    def together(self, cells: tuple[Key, ...]) -> None:
        """Cells hidden together (one group's row): hiding any of them hides them all."""
        for cell in cells:
            self.implies[cell] = cells

    def relate(self, total: Key, parts: list[Key], disjoint: bool, weights: list[float] | None = None) -> None:
        kept = [(p, w) for p, w in zip(parts, weights or [1.0] * len(parts), strict=True) if p in self.value]
        if total in self.value and kept:
            self.relations.append(
                Relation(
                    total,
                    tuple(p for p, _ in kept),
                    disjoint,
                    None if weights is None else tuple(float(w) for _, w in kept),
                )
            )


def _tops(r: Results, family: str, unit: str, column: str) -> list[float] | None:
    dominance = r.dominance or {}
    return dominance.get(family, {}).get(unit, {}).get(column)


def _overall(reg: Registry, r: Results) -> None:
    reg.add(("n",), r.n_clients, "clients", "totaal", clients=r.n_clients)
    o = r.overall
    for c in COLUMNS:
        reg.add(("reg", c), getattr(o, c), "registraties", "totaal", tops=_tops(r, "overall", "alle", c))
    read = r.data_quality.clients_read
    reg.add(("read",), read, "clients", "cliëntenlijst", clients=read)


def _groups(reg: Registry, r: Results, name: str, family: str, groups: dict) -> None:
    """Sex or age groups: a client is in one group, so each column sums to the overall one."""
    for g, v in groups.items():
        n = reg.add((name, g, "n"), v.n, "clients", family, clients=v.n)
        cols = [
            reg.add((name, g, c), getattr(v, c), "registraties", family, clients=v.n, tops=_tops(r, family, g, c))
            for c in COLUMNS
        ]
        reg.together((n, *cols))
    reg.relate(("n",), [(name, g, "n") for g in groups], disjoint=True)
    for c in COLUMNS:
        reg.relate(("reg", c), [(name, g, c) for g in groups], disjoint=True)


def _windows(reg: Registry, r: Results) -> None:
    labels = list(r.windows)
    for w in labels:
        reg.add(("win", w), r.windows[w], "registraties", "windows", tops=_tops(r, "windows", w, "totaal"))
    reg.relate(("reg", "totaal"), [("win", w) for w in labels], disjoint=False)
    reg.relate(("reg", "voor"), [("win", w) for w in labels[:2]], disjoint=False)
    reg.relate(("reg", "tijdens"), [("win", labels[2])], disjoint=False)
    reg.relate(("reg", "na"), [("win", w) for w in labels[3:]], disjoint=False)


def month_key(month) -> Key:
    return ("month", month.referentie, str(month.maand))


def _event_months(reg: Registry, r: Results) -> None:
    """Registrations month by month: the months before the start add up to 'voor', the months during the ICO
    (the last row pooling the months few clients reach, a group the threshold rule sees) to 'tijdens', and the
    months after the end to 'na'."""
    before, during, after = [], [], []
    for month in r.event_study:
        key = reg.add(
            month_key(month),
            month.registraties,
            "registraties",
            "event_study",
            clients=month.clients,
            tops=month.grootste,
        )
        if month.referentie == "start" and month.maand < 0:
            before.append(key)
        elif month.referentie == "start":
            during.append(key)
        else:
            after.append(key)
    # the months follow the windows of SPEC §3 to the day in all but edge cases of month ends; where they add
    # up, a reader can use the sum, so it is a relation; where they do not, it is no exact identity to exploit
    for total, parts in ((("reg", "voor"), before), (("reg", "tijdens"), during), (("reg", "na"), after)):
        if parts and sum(reg.value[k] for k in parts) == reg.value[total]:
            reg.relate(total, parts, disjoint=False)


def _classes(reg: Registry, r: Results) -> None:
    per = r.clients_per
    for c, n in r.imk_classes.items():
        reg.add(("class", c), n, "registraties", "imk_class", per.imk_class.get(c), _tops(r, "imk_class", c, "totaal"))
    reg.relate(("reg", "totaal"), [("class", c) for c in r.imk_classes], disjoint=False)
    for code, n in r.e_codes.items():
        reg.add(("code", code), n, "registraties", "e_code", per.e_code.get(code), _tops(r, "e_code", code, "totaal"))
    e_class = ("class", "E")
    reg.relate(e_class, [("code", code) for code in r.e_codes], disjoint=False)
    for c, line in r.class_by_sex.items():
        for g, n in line.items():
            clients = per.class_by_sex.get(c, {}).get(g)
            reg.add(("cs", c, g), n, "registraties", "class_by_sex", clients, _tops(r, "class_by_sex", c, g))
        reg.relate(("class", c), [("cs", c, g) for g in line], disjoint=True)
    for g in r.by_sex:
        reg.relate(("sex", g, "totaal"), [("cs", c, g) for c in r.class_by_sex], disjoint=False)


def _by_period(reg: Registry, r: Results, name: str, family: str, rows: dict, clients: dict[str, int]) -> list[Key]:
    for label, row in rows.items():
        cells = [
            reg.add(
                (name, label, c),
                getattr(row, c),
                "registraties",
                family,
                clients.get(label),
                _tops(r, family, label, c),
            )
            for c in COLUMNS
        ]
        reg.together(tuple(cells))
    return list(rows)


def _categories_and_severity(reg: Registry, r: Results) -> None:
    """E registrations by category, the others by severity: together every registration once."""
    per = r.clients_per
    categories = _by_period(reg, r, "ecat", "e_category", r.e_categories, per.e_category)
    severities = _by_period(reg, r, "sev", "severity", r.severity, per.severity)
    for c in COLUMNS:
        e_value = getattr(r.overall, c) - sum(getattr(row, c) for row in r.severity.values())
        e_total = (
            ("class", "E") if c == "totaal" else reg.add(("ereg", c), e_value, "registraties", "e", published=False)
        )
        reg.relate(e_total, [("ecat", cat, c) for cat in categories], disjoint=False)
        reg.relate(("reg", c), [e_total, *[("sev", s, c) for s in severities]], disjoint=False)


def _roles(reg: Registry, r: Results) -> None:
    """Registrations by role: no relation to the totals, since one registration can count in several roles (and
    a role that does not count is in no other table). The clients with a role are shown too: the clients never in
    that role are all clients minus them, a group the threshold rule must see."""
    _by_period(reg, r, "rol", "by_role", r.by_role, r.clients_per.role)
    for role, g in r.by_role.items():
        key = reg.add(("rolc", role), g.n_clients, "clients", "by_role", clients=g.n_clients)
        reg.complement[key] = r.n_clients - g.n_clients


def _severity_score(reg: Registry, r: Results) -> None:
    """The severity score totals are a weighted sum of the counts by severity: with the weights printed beside
    them, they are one more equation for a hidden severity count. The E registrations weigh by their own
    severity: where the numbers show that all of them weigh the same (the default: licht), that weight is the
    coefficient of the E count; otherwise their part of the score is an unknown of its own."""
    s = r.severity_score
    weights = s.gewichten
    reg.together((("score", "voor"), ("score", "na")))
    for c in ("voor", "na"):
        total = reg.add(("score", c), getattr(s, c), "score", "severity_score")
        others = sum(weights.get(sev, 0.0) * getattr(row, c) for sev, row in r.severity.items())
        e_count = reg.value.get(("ereg", c), 0.0)
        rest = getattr(s, c) - others
        e_weight = next((w for w in weights.values() if abs(rest - w * e_count) < 1e-6 * max(1.0, abs(rest))), None)
        if e_weight is None:
            parts = [reg.add(("escore", c), rest, "score", "e", published=False)]
            coefficients = [1.0]
        else:
            parts, coefficients = [("ereg", c)], [e_weight]
        parts += [("sev", sev, c) for sev in r.severity]
        coefficients += [weights.get(sev, 0.0) for sev in r.severity]
        reg.relate(total, parts, disjoint=False, weights=coefficients)


def _change_groups(reg: Registry, r: Results) -> None:
    """Change groups by change class: a cross table of clients whose margins the report states (the group sizes,
    and the clients per class over both groups in the text)."""
    groups = r.change_groups
    for cls in CHANGE_CLASSES:
        total = sum(getattr(g, cls) for g in groups.values())
        reg.add(("chgc", cls), total, "clients", "change", clients=total)
    for name, g in groups.items():
        n = reg.add(("chg", name, "n"), g.n, "clients", "change_group", clients=g.n)
        cells = [
            reg.add(("chg", name, c), getattr(g, c), "clients", "change", clients=getattr(g, c)) for c in CHANGE_CLASSES
        ]
        # the clients without any registration after the ICO: a part of the group the text names
        none_after = reg.add(("chgz", name), g.geen_na, "clients", "change", clients=g.geen_na)
        reg.implies[n] = (*cells, none_after)  # a hidden group hides its classes; a hidden class not its group
        reg.relate(n, cells, disjoint=True)
    reg.relate(("n",), [("chg", name, "n") for name in groups], disjoint=True)
    for cls in CHANGE_CLASSES:
        reg.relate(("chgc", cls), [("chg", name, cls) for name in groups], disjoint=True)
    reg.relate(("n",), [("chgc", cls) for cls in CHANGE_CLASSES], disjoint=True)


def _mix(reg: Registry, r: Results) -> None:
    """The clients with registrations both before and after: the text names how many."""
    mix = r.severity_score.mix
    if mix is not None:
        reg.add(("mix", "n"), mix.n_clients, "clients", "severity_score", clients=mix.n_clients)


def _exclusions(reg: Registry, r: Results) -> None:
    excluded = r.data_quality.clients_excluded_followup
    for reason in EXCLUSION_REASONS:
        n = excluded.get(reason, 0)
        reg.add(("excl", reason), n, "clients", "excluded", clients=n)
    reg.relate(("read",), [("n",), *[("excl", reason) for reason in EXCLUSION_REASONS]], disjoint=True)


def registry(r: Results) -> Registry:
    """The published counts of one report and the sums between them."""
    reg = Registry()
    _overall(reg, r)
    _groups(reg, r, "sex", "by_sex", r.by_sex)
    _groups(reg, r, "age", "by_age", r.by_age)
    _groups(reg, r, "ico", "by_ico_type", r.by_ico_type)
    _groups(reg, r, "dur", "ico_duur", r.ico_duur.groepen if r.ico_duur else {})
    _windows(reg, r)
    _event_months(reg, r)
    _classes(reg, r)
    _categories_and_severity(reg, r)
    _severity_score(reg, r)
    _roles(reg, r)
    _change_groups(reg, r)
    _mix(reg, r)
    _exclusions(reg, r)
    return reg

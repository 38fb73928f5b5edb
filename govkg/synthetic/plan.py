"""Planning a synthetic workbook (``govkg.synthetic``): governments, agencies, plants.

The plan holds one record per agency (nothing that grows with units, power items or
datasets) and the hash every row of the workbook is derived from.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from govkg.loaders.codes import uscc_check_character
from govkg.synthetic import names as N

_MASK = (1 << 64) - 1
UNITS_PER_AGENCY = 10
POWER_ITEMS_PER_AGENCY = 200
DATASETS_PER_AGENCY = 20
AGENCIES_PER_GOVERNMENT = 40
CATALOGUES = ("shared", "government")
MAX_LEADS = 7  # lead agencies of one function in one government, at most


@dataclass(slots=True)
class Agency:
    idx: int
    id: str
    name: str
    kind: str
    gov: int  # index into governments
    template: int  # index into TEMPLATES; -1 for a 事业单位 beyond them
    domain: int  # template whose functions it works on (its parent's for a 事业单位)
    parent: str = ""
    hosted_in: str = ""
    uscc: str = ""
    staffing: str = ""
    n_units: int = 0
    unit_offset: int = 0  # global index of its first unit: the key of unit-level plants
    n_pairs: int = 0  # power items come in pairs, one per list
    pair_offset: int = 0
    extra_item: bool = False  # the one odd power item of an odd total
    n_datasets: int = 0
    ds_offset: int = 0
    r2_target: int = -1  # R2: also leads the root function of this template
    r3: bool = False  # R3: its (mandatory) root duty is only 配合
    r4: bool = False  # R4: none of its data duties is in_mandate
    r6: bool = False  # R6: a second unit holds an 信息化 duty
    r9: bool = False  # R9: no cdo
    r10: bool = False  # R10: holds a 数据管理 duty outside the data bureau's line
    # shape knob ``leads``: lead duties on other departments' functions, as
    # (local function id, unit index or -1 for the agency itself)
    extra_leads: list[tuple[str, int]] = field(default_factory=list)


def hash_text(text: str) -> int:
    """A stable integer of a short text (Python's hash() of str changes per process)."""
    return zlib.crc32(text.encode())


def spread(total: int, n: int, i: int) -> int:
    """The share of the i-th of n holders when ``total`` is spread as evenly as possible."""
    return total // n + (1 if i < total % n else 0)


def _org_code(serial: int) -> str:
    """An organisation code (GB 11714): eight digits and their check character."""
    digits = f"{serial % 10**8:08d}"
    c = 11 - sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return digits + ("X" if c == 10 else "0" if c == 11 else str(c))


def _uscc(prefix: str, gov: str, serial: int) -> str:
    first17 = prefix + gov + _org_code(serial)
    return first17 + (uscc_check_character(first17) or "")


def _governments(n: int, province: str = N.PROVINCE[0][:2]) -> list[tuple[str, str, str]]:
    """(division code, name, level) of n governments: a province (its two-digit code
    ``province``), its cities and counties."""
    syl = N.COUNTY_SYLLABLES

    def county(c: int, j: int) -> tuple[str, str, str]:
        name = syl[j % len(syl)] + syl[(j // len(syl) + c + 3) % len(syl)]
        return f"{province}{c + 1:02d}{j + 1:02d}", name + ("区" if j < 3 else "县"), "县"

    def city(c: int) -> tuple[str, str, str]:
        name = N.CITY_NAMES[c] if c < len(N.CITY_NAMES) else syl[c % 14] + syl[c // 14 % 14] + "州"
        return f"{province}{c + 1:02d}00", name + "市", "市"

    if n <= 1:
        return [county(0, 3)]
    n_cities = max(1, min(99, round((n - 1) / 9)))
    n_counties = n - 1 - n_cities
    if n_counties > 99 * n_cities:
        raise ValueError("too many governments for one province")
    govs = [(f"{province}0000", N.PROVINCE[1], "省")]
    for c in range(n_cities):
        govs.append(city(c))
        govs.extend(county(c, j) for j in range(spread(n_counties, n_cities, c)))
    return govs


class Plan:
    """The plan of one synthetic workbook: its governments, agencies and planted rules."""

    def __init__(
        self,
        *,
        agencies: int,
        seed: int = 0,
        units: int | None = None,
        power_items: int | None = None,
        datasets: int | None = None,
        violations: float = 0.01,
        bools: tuple[str, str] = ("是", "否"),
        governments: int | None = None,
        catalogue: str = "shared",
        leads: float = 1.0,
        unit_leads: float = 0.0,
        province: str = N.PROVINCE[0][:2],
    ) -> None:
        if agencies < 1:
            raise ValueError("a workbook needs at least one agency")
        if catalogue not in CATALOGUES or not 1 <= leads <= 7 or not 0 <= unit_leads <= 1:
            raise ValueError("catalogue is shared or government; leads 1-7; unit_leads 0-1")
        self.seed, self.rate, self.yes, self.no = seed, violations, bools[0], bools[1]
        self.catalogue, self.leads, self.unit_leads = catalogue, leads, unit_leads
        n_units = UNITS_PER_AGENCY * agencies if units is None else units
        n_power = POWER_ITEMS_PER_AGENCY * agencies if power_items is None else power_items
        n_ds = DATASETS_PER_AGENCY * agencies if datasets is None else datasets
        n_govs = governments or max(1, round(agencies / AGENCIES_PER_GOVERNMENT))
        self.govs = _governments(min(n_govs, agencies), province)
        self.agencies: list[Agency] = []
        self.by_template: list[dict[int, Agency]] = []
        for g in range(len(self.govs)):
            self._add_government(g, spread(agencies, len(self.govs), g))
        counts = [len(m) for m in self.by_template]
        self.mandatory = min(N.MANDATORY_TEMPLATES, min(counts))
        unit_offset = 0
        for a in self.agencies:
            a.n_units, a.unit_offset = spread(n_units, agencies, a.idx), unit_offset
            unit_offset += a.n_units
        holders = [a for a in self.agencies if a.kind in N.POWER_HOLDER_KINDS] or self.agencies
        pairs, ds = 0, 0
        for i, a in enumerate(holders):
            a.n_pairs, a.pair_offset = spread(n_power // 2, len(holders), i), pairs
            a.n_datasets, a.ds_offset = spread(n_ds, len(holders), i), ds
            pairs, ds = pairs + a.n_pairs, ds + a.n_datasets
        if n_power % 2:  # an odd total: one item listed twice in 编办 keeps R8 quiet
            holders[0].extra_item = True
        self.forced: dict[int, int] = {1: 0, 13: 1, 7: 0, 8: 1, 15: 2, 3: 0}
        self._plant_agencies()
        # shape knob ``leads``: (government, local function id) -> the agencies of the
        # extra leads, which a division row names together (unless R2 is planted there)
        self.shared_leads: dict[tuple[int, str], list[Agency]] = {}
        if leads > 1:
            self._plan_extra_leads()

    def _h(self, tag: int, *keys: int) -> int:
        """A 64-bit hash of the seed, a tag and keys (splitmix64 finaliser)."""
        # The tag goes through the full mix too: xor-ing it in alone would make the
        # planted sets of two rules mere permutations of each other.
        x = (self.seed * 0x9E3779B97F4A7C15) & _MASK
        for k in (tag, *keys):
            x = ((x ^ k) * 0xBF58476D1CE4E5B9) & _MASK
            x = ((x ^ (x >> 31)) * 0x94D049BB133111EB) & _MASK
            x ^= x >> 29
        return x

    def _hit(self, rule: int, key: int) -> bool:
        """Whether the candidate ``key`` of a rule gets a planted instance."""
        if self.rate <= 0:
            return False
        return key == self.forced.get(rule) or self._h(100 + rule, key) % 10**6 < self.rate * 1e6

    def _add_government(self, g: int, count: int) -> None:
        code, gname, level = self.govs[g]
        present: dict[int, Agency] = {}
        self.by_template.append(present)
        n_tpl = min(count, len(N.TEMPLATES))
        parents = list(range(2, min(n_tpl, 23))) or [0]  # departments that get 事业单位
        for seq in range(count):
            idx, aid = len(self.agencies), f"A{code}{seq + 1:03d}"
            if seq < n_tpl:
                tpl = N.TEMPLATES[seq]
                stem = tpl.province if level == "省" else tpl.local
                name = f"国家税务总局{gname}税务局" if seq == 29 else gname + stem
                a = Agency(idx, aid, name, tpl.kind, g, seq, seq)
                present[seq] = a
                if seq == N.DATA_BUREAU:  # 大数据管理局 设在 政府办公室
                    a.hosted_in = present[N.OFFICE].id
                elif seq == 28:  # 信访局 is administered by the office
                    a.parent = present[N.OFFICE].id
            else:
                e = seq - n_tpl
                parent = present[parents[e % len(parents)]]
                stem = N.EXTRA_STEMS[e // len(parents) % len(N.EXTRA_STEMS)]
                rounds = e // (len(parents) * len(N.EXTRA_STEMS))
                name = parent.name + stem + (f"第{rounds + 1}分部" if rounds else "")
                a = Agency(idx, aid, name, "事业单位", g, -1, parent.template, parent=parent.id)
            prefix = {"国有企业": "91", "群团组织": "81", "事业单位": "12"}.get(a.kind, "11")
            if a.kind != "议事协调机构":
                a.uscc = _uscc(prefix, code, 10_000_000 + idx)
            self.agencies.append(a)

    def _plant_agencies(self) -> None:
        """Agency-level plants (R2, R3, R4, R6, R9, R10, R11, R12) and staffing."""
        first: dict[int, bool] = {}

        def pick(rule: int, a: Agency, eligible: bool) -> bool:
            # The first eligible agency of each rule is forced, as items are by key.
            if not eligible or self.rate <= 0:
                return False
            if rule not in first:
                first[rule] = True
                return True
            return self._h(100 + rule, a.idx) % 10**6 < self.rate * 1e6

        gov_hit = {r: [self._hit(r, g) for g in range(len(self.govs))] for r in (3, 10)}
        self.forced[10] = next(
            (g for g, m in enumerate(self.by_template) if {1, 2} <= m.keys()), -1
        )
        gov_hit[10] = [self._hit(10, g) for g in range(len(self.govs))]
        in_cycle: set[int] = set()
        for a in self.agencies:
            present = self.by_template[a.gov]
            a.r3 = a.template == N.OFFICE and gov_hit[3][a.gov]
            a.r10 = a.template == N.DEVELOPMENT and N.DATA_BUREAU in present and gov_hit[10][a.gov]
            n_tpl = len(present)
            if pick(2, a, a.template >= 2 and n_tpl >= 4):
                a.r2_target = a.template + 1 if a.template + 1 < n_tpl else 2
            a.r4 = pick(4, a, a.n_datasets > 0)
            a.r6 = pick(6, a, a.n_units >= 2)
            a.r9 = pick(9, a, a.kind in N.CDO_KINDS)
            # R11 spares the office, the data bureau and 发改 so R10's plant stays visible.
            if a.idx not in in_cycle and pick(11, a, a.template == -1 or a.template >= 4):
                self._plant_r11(a, in_cycle)
            unit_sum = sum(self.unit_staffing(a, j) for j in range(a.n_units))
            slack = 2 + self._h(71, a.idx) % 5
            if pick(12, a, a.n_units > 0 and unit_sum >= 2 and a.kind != "议事协调机构"):
                slack = -1 - self._h(72, a.idx) % (unit_sum - 1)
            if a.kind != "议事协调机构":
                a.staffing = str(unit_sum + slack if a.n_units else slack * 3)

    def _plant_r11(self, a: Agency, in_cycle: set[int]) -> None:
        """Point a's parent at itself, at another government's office, or into a 2-cycle."""
        mode = self._h(73, a.idx) % 3
        nxt = self.agencies[a.idx + 1] if a.idx + 1 < len(self.agencies) else None
        if mode == 1 and len(self.govs) > 1:
            a.parent = self.by_template[(a.gov + 1) % len(self.govs)][N.OFFICE].id
        elif mode == 2 and nxt and nxt.gov == a.gov and nxt.template not in (0, 1, 2):
            a.parent, nxt.parent = nxt.id, a.id
            in_cycle.add(nxt.idx)
        else:
            a.parent = a.id

    def led_functions(self, a: Agency) -> list[str]:
        """The local ids of the functions a department's own duties lead: its root and the
        leaves its units lead (not its 信息化 function: a second unit there is R6)."""
        f = f"F{a.template + 1:02d}"
        leaves = sorted({(j - 1) % len(N.LEAVES) + 1 for j in range(1, a.n_units)})
        return [f, *(f"{f}.{leaf}" for leaf in leaves)]

    def _plan_extra_leads(self) -> None:
        """Shape knob ``leads``: each function a department leads gets, on average,
        ``leads - 1`` more lead agencies of its government (1-6 more, on a share of the
        functions), held by one of their units with probability ``unit_leads``."""
        chance = (self.leads - 1) / (MAX_LEADS / 2)  # 1-6 more: 3.5 on average
        by_gov: dict[int, list[Agency]] = {}
        for a in self.agencies:
            by_gov.setdefault(a.gov, []).append(a)
        for g, present in enumerate(self.by_template):
            members = by_gov[g]
            for _, lead in sorted(present.items()):
                for fid in self.led_functions(lead):
                    x = self._h(60, lead.idx, hash_text(fid))
                    if (x % 10**6) / 1e6 >= chance or len(members) < 2:
                        continue
                    more = min(1 + (x >> 20) % (MAX_LEADS - 1), len(members) - 1)
                    others = [m for m in members if m is not lead]
                    start = (x >> 32) % len(others)
                    chosen = [others[(start + k) % len(others)] for k in range(more)]
                    for b in chosen:
                        y = self._h(61, b.idx, hash_text(fid))
                        unit = (
                            int(y >> 8) % b.n_units
                            if b.n_units and (y % 10**6) / 1e6 < self.unit_leads
                            else -1
                        )
                        b.extra_leads.append((fid, unit))
                    self.shared_leads[(g, fid)] = [lead, *chosen]

    def function_id(self, gov: int, local: str) -> str:
        """The workbook id of a function: shared by all governments, or (catalogue knob
        ``government``) a copy per government of every function below the mandatory
        roots (the roots and groups stay shared: R3 asks every government for them)."""
        if self.catalogue == "shared" or "." not in local and not local.startswith("FX"):
            return local
        return f"{self.govs[gov][0]}-{local}"

    def unit_staffing(self, a: Agency, j: int) -> int:
        """Staffing of a's j-th unit (doubled at provincial level)."""
        return (3 + self._h(70, a.unit_offset + j) % 6) * (2 if self.govs[a.gov][2] == "省" else 1)

    def unit_id(self, a: Agency, j: int) -> str:
        return f"{a.id}-U{j + 1:02d}"

"""An independent reference implementation of the rules R1-R17 of docs/workbook.md.

Plain Python over the rows of ``govkg.loaders.read_workbook``: no RDF, no SPARQL, no
code shared with the SHACL shapes. ``findings(workbook)`` returns the set of
``(rule, severity, focus, related)`` with ``related`` a sorted tuple; ``merge(baseline,
draft)`` is the draft merge of workbook.md and ``draft_findings`` the statuses
new / resolved / unchanged.

Readings chosen where workbook.md leaves room (the most literal one each time):

- Cells are compared as the loader gives them (stripped strings), exactly: function
  ids, base codes, names, bases. A ``category`` cell is one free tag (the column is not
  a list column), compared whole with 信息化 / 数据管理.
- "Lead": role 牵头 or ``lead`` (the contract's enumeration), or an empty role, since
  the duties table calls 牵头 "the default".
- "A unit's duties and data duties count as its agency's" applies wherever a rule says
  an agency holds / leads / has duties or data duties (R2, R3, R4, R10, R13). R5 and R6
  speak of units and R14 of "its agency's own duties": those use the holder as written.
- R1: a dataset's sources are the distinct ids of its ``sources`` cell; related = them.
- R2: per government, per function id, every pair of distinct agencies that lead it
  (directly or through a unit) and that no division row of that function names both.
- "One finding per focus", except where ``related`` is one element in brackets: R3 is
  one finding per function and government, R8 one per agency and base code.
- R3: the governments are the ``government`` codes of the agencies; per mandatory
  function, one finding per government none of whose agencies' lead duties covers it.
  A lead duty on G covers F when F is G or below G.
- R4: "none of its data duties is in_mandate" is read about all the agency's data
  duties (with its units'), not per dataset; related = every dataset it is a source of.
- R5: a unit that is the holder of no row of ``duties`` (data duties do not count).
- R6: units of one agency holding a duty (any role) on a function whose categories
  (its own and its ancestors') include 信息化; two or more such units -> related = them.
- R7: per base code over the whole workbook; the items differ when the set of their
  names, types or bases (an empty basis being a value like any other) has more than one
  member; related = every item with that base code.
- R8: per agency, one finding per base code present in one source and not the other.
- R9: empty cdo.
- R10: agencies holding a duty (any role, directly or through a unit) on a function of
  category 数据管理 (inherited down the tree), minus those whose chain passes an agency
  R11 reports (the agency itself included: the chain starts at it); lines = top of the
  chain (where a chain loops, the loop is left out anyway by the previous clause); two
  or more lines in one government -> related = those agencies (after leaving out).
- R11: bad links = parent / hosted_in (both columns, whichever the chain follows) that
  are the agency itself or an agency of another government; cycle = the agency is met
  again when following its chain (parent, else hosted_in). Related = the targets of the
  bad links together with the others on the cycle (a self link gives [itself]).
- R12: the sum over the agency's units that have a staffing; needs the agency's staffing
  and at least one unit with staffing; related = those units.
- R13: a data duty of kind 提供 or 共享 on the dataset whose holder is one of its
  sources or a unit of one of them.
- R14: only unit duties with a function; the agency's "own duties" are those whose
  holder is the agency itself (any role); checked only where at least one of them has a
  function; covered when the unit's function is the agency duty's function or below it.
- R15: split on "-": the last part two ASCII digits, the one before one digit, then the
  USCC, then ``000``, then 12 ASCII digits; the rest (joined with "-") is the base code
  and must equal base_code; area code starts with the agency's government; USCC valid
  (``uscc_is_valid``) and equal to the agency's uscc where it has one.
- R17 (tests/oracle_texts.py, with R16): only transfers with a counterpart_id; 划出 and 交给
  are findings when no duty held by the counterpart or by one of its units states the
  transfer's text, 划入 when one does; 下放 and 取消 never are. "States" is the one text
  judgement the rules share (workbook.md: "the same judgement as R16"),
  ``states_same(transfer, duty) >= SAME`` of govkg.shapes.transfer_judgement: the oracle
  uses that function, not a copy of it, and everything around it is its own.
- Draft (tests/oracle_draft.py): the agencies of the draft's agencies table are
  re-mandated; the baseline loses their agency rows, their units, the duties / data
  duties held by them or by those units, the power items whose agency they are, the
  transfers they state and the division rows naming them; all the draft's rows of those
  tables are then added. Draft functions and datasets replace the baseline row with the
  same id or are added. A finding is new / resolved /
  unchanged by its (rule, focus, related).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from govkg.loaders import read_workbook
from govkg.loaders.codes import uscc_is_valid
from govkg.loaders.contract import parse_bool, split_list
from govkg.loaders.workbook import Workbook

from tests.oracle_model import (
    CDO_KINDS,
    DIGITS,
    LEAD_ROLES,
    PROVIDING,
    SEVERITY,
    SHARED,
    Finding,
    Model,
)
from tests.oracle_texts import r16, r17


def _r1(m: Model) -> list[Finding]:
    out = []
    for ds in m.datasets:
        sources = sorted(set(split_list(ds["sources"])))
        if len(sources) != 1:
            out.append(("R1", ds["id"], tuple(sources)))
    return out


def _r2(m: Model) -> list[Finding]:
    leads: dict[tuple[str, str], set[str]] = defaultdict(set)  # (government, function)
    for duty in m.duties:
        agency = m.agency_of(duty["holder"])
        if agency and duty["function"] and duty["role"] in LEAD_ROLES:
            leads[(m.agencies[agency]["government"], duty["function"])].add(agency)
    settled: set[tuple[str, str, str]] = set()
    for div in m.divisions:
        named = sorted(set(split_list(div["agencies"])))
        for i, a in enumerate(named):
            for b in named[i + 1 :]:
                settled.add((div["function"], a, b))
    out = []
    for (_, function), agencies in leads.items():
        ordered = sorted(agencies)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if (function, a, b) not in settled:
                    out.append(("R2", function, (a, b)))
    return out


def _r3(m: Model) -> list[Finding]:
    governments = {a["government"] for a in m.agencies.values()}
    covered: dict[str, set[str]] = defaultdict(set)  # government -> functions covered
    for duty in m.duties:
        agency = m.agency_of(duty["holder"])
        if agency and duty["function"] and duty["role"] in LEAD_ROLES:
            covered[m.agencies[agency]["government"]].add(duty["function"])
    out = []
    for fid, f in m.functions.items():
        if not parse_bool(f["mandatory"] or "no"):
            continue
        above = set(m.ancestors(fid))
        out.extend(("R3", fid, (g,)) for g in governments if not (above & covered[g]))
    return out


def _data_duties_by_agency(m: Model) -> dict[str, list[dict[str, str]]]:
    result: dict[str, list[dict[str, str]]] = defaultdict(list)
    for dd in m.data_duties:
        agency = m.agency_of(dd["holder"])
        if agency:
            result[agency].append(dd)
    return result


def _r4(m: Model) -> list[Finding]:
    sourced: dict[str, set[str]] = defaultdict(set)
    for ds in m.datasets:
        for source in split_list(ds["sources"]):
            sourced[source].add(ds["id"])
    by_agency = _data_duties_by_agency(m)
    out = []
    for agency, datasets in sourced.items():
        if not any(parse_bool(dd["in_mandate"] or "no") for dd in by_agency.get(agency, [])):
            out.append(("R4", agency, tuple(sorted(datasets))))
    return out


def _r5(m: Model) -> list[Finding]:
    holders = {d["holder"] for d in m.duties}
    return [("R5", uid, ()) for uid in m.units if uid not in holders]


def _r6(m: Model) -> list[Finding]:
    units: dict[str, set[str]] = defaultdict(set)
    for duty in m.duties:
        unit = m.units.get(duty["holder"])
        if unit and duty["function"] and "信息化" in m.categories(duty["function"]):
            units[unit["agency"]].add(duty["holder"])
    return [("R6", a, tuple(sorted(us))) for a, us in units.items() if len(us) >= 2]


def _r7(m: Model) -> list[Finding]:
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for item in m.power_items:
        groups[item["base_code"]].append(item)
    out = []
    for code, items in groups.items():
        if any(len({i[c] for i in items}) > 1 for c in ("name", "type", "basis")):
            out.append(("R7", code, tuple(sorted(i["id"] for i in items))))
    return out


def _r8(m: Model) -> list[Finding]:
    codes: dict[tuple[str, str], set[str]] = defaultdict(set)  # (agency, code) -> sources
    for item in m.power_items:
        codes[(item["agency"], item["base_code"])].add(item["source"])
    return [("R8", a, (code,)) for (a, code), sources in codes.items() if len(sources) == 1]


def _r9(m: Model) -> list[Finding]:
    return [
        ("R9", aid, ()) for aid, a in m.agencies.items() if a["kind"] in CDO_KINDS and not a["cdo"]
    ]


def _r11(m: Model) -> dict[str, set[str]]:
    """Agency -> related, for every agency R11 reports."""
    reported: dict[str, set[str]] = {}
    for aid, a in m.agencies.items():
        related: set[str] = set()
        bad = False
        for column in ("parent", "hosted_in"):
            target = a[column]
            if not target or target not in m.agencies:
                continue
            if target == aid or m.agencies[target]["government"] != a["government"]:
                related.add(target)
                bad = True
        chain = m.chain(aid)
        last = chain[-1]
        if m.next_in_chain(last) == aid:  # following the chain comes back: a cycle
            related.update(x for x in chain if x != aid)
            bad = True
        if bad:
            reported[aid] = related
    return reported


def _r10(m: Model, r11: dict[str, set[str]]) -> list[Finding]:
    holders: dict[str, set[str]] = defaultdict(set)  # government -> agencies
    for duty in m.duties:
        agency = m.agency_of(duty["holder"])
        if agency is None or not duty["function"]:
            continue
        if "数据管理" not in m.categories(duty["function"]):
            continue
        chain = m.chain(agency)
        if any(x in r11 for x in chain):
            continue
        holders[m.agencies[agency]["government"]].add(agency)
    out = []
    for government, agencies in holders.items():
        lines = {m.chain(a)[-1] for a in agencies}
        if len(lines) >= 2:
            out.append(("R10", government, tuple(sorted(agencies))))
    return out


def _r12(m: Model) -> list[Finding]:
    staffed: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for uid, u in m.units.items():
        if u["staffing"]:
            staffed[u["agency"]].append((uid, int(u["staffing"])))
    out = []
    for aid, units in staffed.items():
        own = m.agencies.get(aid, {}).get("staffing", "")
        if own and sum(n for _, n in units) > int(own):
            out.append(("R12", aid, tuple(sorted(uid for uid, _ in units))))
    return out


def _r13(m: Model) -> list[Finding]:
    provided: dict[str, set[str]] = defaultdict(set)  # dataset -> agencies providing
    for dd in m.data_duties:
        agency = m.agency_of(dd["holder"])
        if agency and dd["dataset"] and dd["kind"] in PROVIDING:
            provided[dd["dataset"]].add(agency)
    out = []
    for ds in m.datasets:
        if ds["share_type"] not in SHARED:
            continue
        if not (set(split_list(ds["sources"])) & provided[ds["id"]]):
            out.append(("R13", ds["id"], ()))
    return out


def _r14(m: Model) -> list[Finding]:
    own: dict[str, set[str]] = defaultdict(set)  # agency -> functions of its own duties
    for duty in m.duties:
        if duty["holder"] in m.agencies and duty["function"]:
            own[duty["holder"]].add(duty["function"])
    out = []
    for duty in m.duties:
        unit = m.units.get(duty["holder"])
        if unit is None or not duty["function"]:
            continue
        agency = unit["agency"]
        if not own[agency]:
            continue
        if not (set(m.ancestors(duty["function"])) & own[agency]):
            out.append(("R14", duty["id"], tuple(sorted({duty["holder"], agency}))))
    return out


def impl_code_ok(item: dict[str, str], agencies: dict[str, dict[str, str]]) -> bool:
    parts = item["impl_code"].split("-")
    if len(parts) < 6:
        return False
    nn, n, uscc, zeros, area = parts[-1], parts[-2], parts[-3], parts[-4], parts[-5]
    base = "-".join(parts[:-5])
    if not (DIGITS.fullmatch(nn) and len(nn) == 2 and DIGITS.fullmatch(n) and len(n) == 1):
        return False
    if zeros != "000" or not (DIGITS.fullmatch(area) and len(area) == 12):
        return False
    if base != item["base_code"]:
        return False
    agency = agencies.get(item["agency"])
    if agency is None:
        return False
    if not area.startswith(agency["government"]):
        return False
    if not uscc_is_valid(uscc):
        return False
    return not (agency["uscc"] and agency["uscc"] != uscc)


def _r15(m: Model) -> list[Finding]:
    return [
        ("R15", item["id"], (item["agency"],))
        for item in m.power_items
        if item["impl_code"] and not impl_code_ok(item, m.agencies)
    ]


def findings(workbook: Workbook | str | Path) -> set[Finding]:
    """Every finding of the workbook: (rule, severity, focus, sorted related)."""
    if not isinstance(workbook, Workbook):
        workbook = read_workbook(workbook)
    m = Model(workbook)
    r11 = _r11(m)
    found: list[tuple[str, str, tuple[str, ...]]] = []
    for rule in (_r1, _r2, _r3, _r4, _r5, _r6, _r7, _r8, _r9, _r12, _r13, _r14, _r15, r16, r17):
        found.extend(rule(m))
    found.extend(_r10(m, r11))
    found.extend(("R11", aid, tuple(sorted(rel))) for aid, rel in r11.items())
    return {(rule, SEVERITY[rule], focus, related) for rule, focus, related in found}

"""R7 (四级四同) on the power items of a base-code part, from their rows.

R7's shape (shapes/rules.ttl) groups the items by base code and reports a code whose
items differ in name, type or basis, naming all of them. A base-code part holds only the
items of the codes seen with more than one (name, type, basis) as written
(govkg/validating/government_stream.py: ~70 % of a generated province's items); mapping
them into a store to ask that one query cost ~25 s of CPU a province, grouping their rows
here well under one. The finding is built as the engine's would be
(shapes/findings.py findings_from_results): the code as focus, the items' ids sorted as
related, each item named "name(id)" in the message; tests/test_partition.py compares
the two on generated workbooks and tests/test_base_codes.py on written ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from govkg.loaders.contract import TABLES_BY_NAME
from govkg.shapes.findings import Finding, Rule, finding_text, sort_key

# what R7 reads of an item, in this order: what the pass files for the base-code parts
R7_COLUMNS = ("id", "base_code", "name", "type", "basis")
# a type as mapped (gk:itemType): the contract's values; an unknown one (the contract
# check reports it elsewhere) compares as written
_TYPES = dict(
    next(c for c in TABLES_BY_NAME["power_items"].columns if c.name == "type").values or {}
)


def base_code_findings(items: Iterable[tuple[str, ...]], rule: Rule) -> list[Finding]:
    """R7's findings on ``items`` (rows of R7_COLUMNS), sorted: a base code whose items
    have more than one name, type (as mapped) or basis (none counts as ""), once."""
    by_code: dict[str, dict[str, tuple[str, str, str]]] = defaultdict(dict)
    for ident, code, name, kind, basis in items:
        by_code[code][ident] = (name, _TYPES.get(kind, kind), basis)
    found = []
    for code, members in by_code.items():
        if all(len({m[k] for m in members.values()}) == 1 for k in range(3)):
            continue
        ids = tuple(sorted(members))
        labels = [f"{members[i][0]}({i})" if members[i][0] else i for i in ids]
        message = {
            lang: finding_text(rule.message.get(lang, rule.message.get("", "")), code, labels, lang)
            for lang in ("zh", "en")
        }
        found.append(Finding(rule.id, rule.severity, code, ids, message))
    return sorted(found, key=sort_key)

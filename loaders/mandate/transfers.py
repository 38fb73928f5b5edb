"""What a 三定 text's 职责调整 / 职能转变 moves (职责划转): each clause that moves a duty in,
out, to another body, down a level, or abolishes it, with the other body as written.

The kinds are those of the contract's `transfers` table (workbook.md): 划入, 划出, 交给,
下放, 取消. A clause that only strengthens a duty (加强……职责) moves nothing and is no
transfer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRANSFER_KINDS = ("划入", "划出", "交给", "下放", "取消")

_INTO = re.compile(
    r"(?:将|把)?(.{2,60}?)(?:的|承担的|负责的)(?:.{0,80}?)职责.{0,40}?划入(.{2,40})$"
)
_INTO_TARGET = re.compile(r"划入(.{2,40})$")
_OUT = re.compile(r"(?:划出|划给|划转给|划转至|划转到)(?:给)?(.{2,40}?)(?:承担|负责|管理|行使)?$")
_HANDED = re.compile(r"(?:交给|交由|移交给|移交|转交给?)(.{2,40}?)(?:承担|实施|负责|管理|行使)?$")
_HEADING = re.compile(r"^[\u4e00-\u9fff]{2,6}的(?:职责|职能|事项)[。：；]?$")
_DOWN = re.compile(r"下放(?:给|至|到)(.{2,40}?)(?:承担|实施|负责|管理|行使)?$")


@dataclass(frozen=True)
class Transfer:
    kind: str  # one of TRANSFER_KINDS
    counterpart: str  # the other body as written, or ''
    text: str  # the clause as written


def _is_this_agency(name: str, agency: str) -> bool:
    """本部/本局, the agency's own name, or its name without the place (市生态环境局)."""
    name = name.strip()
    if not name or name.startswith("本"):
        return True
    return name == agency or agency.endswith(name) or name.endswith(agency)


def _transfer(clause: str, agency: str) -> Transfer | None:
    body = clause.rstrip("。；，")
    if "下放" in body:
        down = _DOWN.search(body)
        return Transfer("下放", down.group(1) if down else "", clause)
    if "划入" in body:
        target = _INTO_TARGET.search(body)
        if target and not _is_this_agency(target.group(1), agency):
            return Transfer("划出", target.group(1), clause)
        into = _INTO.search(body)
        source = into.group(1) if into else ""
        return Transfer("划入", re.sub(r"^(?:将|把)", "", source), clause)
    out = _OUT.search(body)
    if out:
        return Transfer("划出", out.group(1), clause)
    handed = _HANDED.search(body)
    if handed:
        return Transfer("交给", handed.group(1), clause)
    if re.match(r"^(?:将|把)?.{0,20}?取消|^取消", body):
        return Transfer("取消", "", clause)
    return None


def transfers_in(text: str, agency: str) -> list[Transfer]:
    """The transfers an item of 职责调整 / 职能转变 states, clause by clause (a clause ends at
    。 or ；).

    >>> [(t.kind, t.counterpart) for t in transfers_in(
    ...     "将原国家环境保护总局的职责划入环境保护部。", "环境保护部")]
    [('划入', '原国家环境保护总局')]
    >>> [(t.kind, t.counterpart) for t in transfers_in(
    ...     "将环境标志认证职责交给事业单位。取消已由国务院公布取消的行政审批事项。"
    ...     "加强统筹协调职责。",
    ...     "环境保护部")]
    [('交给', '事业单位'), ('取消', '')]
    >>> [(t.kind, t.counterpart) for t in transfers_in(
    ...     "将市政设施管理职责划入市城市管理局。", "江海市住房和城乡建设局")]
    [('划出', '市城市管理局')]
    """
    clauses = [c for c in re.split(r"(?<=[。；])", text) if c.strip()]
    found = []
    for clause in clauses:
        if _HEADING.match(clause.strip()):
            continue  # （一）取消的职责。取消……: the heading names the kind, the clause moves
        transfer = _transfer(clause.strip(), agency)
        if transfer is not None:
            found.append(transfer)
    return found

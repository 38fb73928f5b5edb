"""Recognising data duties in a duty's text: collecting, aggregating, managing, providing,
sharing, opening and securing data or government information resources.

A data duty needs a data noun (数据, 数据资源, 政务信息资源 …) and a verb of one of the
kinds in the same clause. A sector name is not a data noun: 工业和信息化 (the industry
a bureau regulates) and 信息化 (informatisation) are no data duty.
"""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"[，；。]")
_DATA_NOUN = re.compile(r"数据|信息资源")
# 信息 alone is a data noun only right next to a sharing or collecting verb (信用信息共享).
_INFO_WITH_VERB = re.compile(
    r"信息(?:的)?(?:采集|收集|归集|汇聚|汇集|共享|交换|开放)"
    r"|(?:采集|收集|归集|汇聚|共享|开放)[^，；。]{0,4}信息"
)
_NOT_DATA = re.compile(r"大数据产业|数据中心机房|信息化")
_VERBS = {
    "采集": re.compile(r"采集|收集"),
    "汇聚": re.compile(r"汇聚|归集|汇集|整合"),
    "提供": re.compile(r"提供"),
    "共享": re.compile(r"共享|交换"),
    "开放": re.compile(r"开放"),
}
# 管理 and 安全 are everywhere in a mandate: they count only right after the noun.
_CLOSE_VERBS = {
    "管理": re.compile(
        r"(?:数据|信息资源)(?:资源)?(?:目录)?[^，；。]{0,10}?管理|数据治理|(?:数据|信息)资源目录"
        # 管理 before its noun, but not a platform's management (建设管理市公共数据平台)
        r"|管理[^，；。]{0,8}?(?:数据|信息资源)(?!平台|中心|库|的)"
    ),
    "安全": re.compile(r"(?:数据|信息资源)[^，；。]{0,6}?安全|安全[^，；。]{0,2}(?:数据|信息资源)"),
}
KINDS_ORDER = ("采集", "汇聚", "管理", "提供", "共享", "开放", "安全")


def data_duty_kinds(text: str) -> list[str]:
    """The data-duty kinds a duty's text states, in the contract's order.

    >>> data_duty_kinds("负责全市公共数据归集、共享和开放，保障数据安全。")
    ['汇聚', '共享', '开放', '安全']
    >>> data_duty_kinds("负责工业和信息化领域的行业管理，推进两化融合。")
    []
    >>> data_duty_kinds("推进信用信息共享，组织编制政务数据资源目录。")
    ['管理', '共享']
    """
    kinds: set[str] = set()
    for clause in _CLAUSE.split(text):
        cleaned = _NOT_DATA.sub("", clause)
        has_data = bool(_DATA_NOUN.search(cleaned))
        if has_data:
            kinds |= {k for k, verb in _VERBS.items() if verb.search(cleaned)}
            kinds |= {k for k, verb in _CLOSE_VERBS.items() if verb.search(cleaned)}
        elif _INFO_WITH_VERB.search(cleaned):
            near = " ".join(m.group(0) for m in _INFO_WITH_VERB.finditer(cleaned))
            kinds |= {k for k, verb in _VERBS.items() if verb.search(near)}
    return [k for k in KINDS_ORDER if k in kinds]

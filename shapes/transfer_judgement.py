"""Whether a duty states the responsibility a transfer clause moves: the text judgement of
R17 (划转职责无人承接).

The responsibility a clause names (将原X的【Y】职责划入…, 将【Y】职责交给…) is cut out of its
clause, then judged against the duty by the judgement R16 uses (:func:`govkg.text.judge`),
as workbook.md asks ("the same judgement as R16"), with the weights R16 gives the terms in
the counterpart's government (shapes/transfer_rule.py).
"""

from __future__ import annotations

import re

from govkg.text import SAME_RESPONSIBILITY, Weights, judge

# How alike two texts must be to state one responsibility: R16's threshold.
SAME = SAME_RESPONSIBILITY

_MOVE = r"(?:划入|划出|划给|划转|交给|交由|移交|下放|取消)"
_OWNER = re.compile(r"^(?:将|把)?(?:[^，。；]{1,40}?(?:承担|负责)?的)?")
_NOISE = re.compile(r"[\s，。；：、（）《》“”\"'0-9A-Za-z]")


def _core(text: str) -> str:
    """The responsibility a clause names: 将原市工商局的【市场主体登记】职责划入… ."""
    clause = re.split(r"[。；]", text.strip(), maxsplit=1)[0]
    if re.search(_MOVE, clause):
        before = re.split(rf"(?:的?职责|的?职能|的?工作)?{_MOVE}", clause, maxsplit=1)[0]
        if "的" in before[:42]:
            before = _OWNER.sub("", before, count=1)
        clause = re.sub(r"^(?:将|把)", "", before)
    return _NOISE.sub("", clause)


def states_same(text_a: str, text_b: str, *, weights: Weights | None = None) -> float:
    """How far ``text_b`` states the responsibility the transfer clause ``text_a`` names, 0–1,
    the terms weighed by ``weights`` (those of the government of ``text_b``'s holder;
    without them every term weighs the same).

    >>> moved = "将市政设施养护管理职责划入市城市管理局。"
    >>> states_same(moved, "负责市政设施养护管理和监督。") >= SAME
    True
    >>> states_same("将环境标志认证职责交给事业单位。", "负责全市林业有害生物防治。")
    0.0
    """
    core = _core(text_a)
    if not core:
        return 0.0
    return judge(core, text_b, weights=weights).score

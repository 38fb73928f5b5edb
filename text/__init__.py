"""The text judgement: whether two duty texts state the same responsibility, which pairs
of a government's duties do, and which functions an uncoded duty belongs to.

R16, R17, ``govkg propose`` and the 三定 importer's 职能建议 all call this package. It is
the lowest layer: it imports only the standard library. Nothing is downloaded: the
terms are character bigrams, weighted by IDF over the duties of the government being
judged (docs/overlaps.md says how this was chosen and how well it does).

The one function to ask "do these two duty texts state the same responsibility":

>>> from govkg.text import judge
>>> found = judge("负责全市公共数据归集、共享和开放", "统筹公共数据归集共享工作")
>>> found.score >= SAME_RESPONSIBILITY, found.evidence
(True, ('公共数据归集', '共享'))
"""

from govkg.text.judging import Judgement, Weights, judge
from govkg.text.pairs import Duty, Pair, similar_pairs
from govkg.text.proposals import FunctionIndex, Proposal, is_sure

# Changed whenever the judgement changes what it finds: stored and cached findings made
# with another version are out of date (shapes/findings_rdf.py, govkg/validating/findings_cache.py).
JUDGEMENT_VERSION = "3"  # 3: terms weighed per government (R16, R17)

# The score from which two duties are taken to state the same responsibility: chosen on
# the calibration half of the labelled set (docs/overlaps.md, bench/overlaps_accuracy.py).
SAME_RESPONSIBILITY = 0.35


def states_same(text_a: str, text_b: str, *, weights: Weights | None = None) -> Judgement | None:
    """The judgement of two duty texts when they state the same responsibility, else None."""
    found = judge(text_a, text_b, weights=weights)
    return found if found.score >= SAME_RESPONSIBILITY else None


__all__ = [
    "JUDGEMENT_VERSION",
    "SAME_RESPONSIBILITY",
    "Duty",
    "FunctionIndex",
    "Judgement",
    "Pair",
    "Proposal",
    "Weights",
    "is_sure",
    "judge",
    "similar_pairs",
    "states_same",
]

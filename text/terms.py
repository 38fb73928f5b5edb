"""Duty texts as the judgement reads them: clauses, the words that tell nothing, the terms
that do, and what a clause says of the holder's part (lead or support, which stage).

Terms are character bigrams of the Chinese (and lower-cased Latin words) left once the
words every duty uses are taken out: 负责, 组织, 拟订 say nothing about what a duty is
about. Bigrams need no dictionary and were measured against a word segmenter with a
dictionary of government terms on the labelled set (docs/overlaps.md): they did as well.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

# Whole clauses every agency carries: they never make an overlap.
BOILERPLATE_CLAUSE = re.compile(
    r"交办的其他|交给的其他|其他(任务|事项|工作)$|全面从严治党|党风廉政建设|意识形态工作"
    r"|机关党建|机关党的建设|精神文明建设工作|保密工作|安全生产(工作)?(责任|主体责任)"
    r"|本(部门|系统|单位|行业)(领域)?(的)?安全生产|有关职责分工|(机关|中心|单位)日常运转"
    r"|离退休(干部)?工作|(机关|本单位)(及|和)?(直属单位|所属单位)?(的)?(人事|财务|资产)"
)
# A clause that only names the unit holding the duty (综合科。负责……): not what it does.
UNIT_NAME = re.compile(r"^[\u4e00-\u9fff]{1,12}(科|处|室|部|股|队|站|所|中心|支队|大队)$")
# Words a duty of any subject uses; taken out before terms are made.
GENERIC_WORDS = re.compile(
    r"负责|承担|承办|组织|全市|全省|全区|全县|全州|全国|辖区|本级|区级|市级|县级|各级|各类|相关|有关"
    r"|工作|贯彻|执行|落实|拟订|拟定|起草|实施|指导|协调|统筹|推进|推动|开展|加强|完善|建立|健全"
    r"|依法|按照|根据|国家|方针|政策|法律|法规|规章|决策部署|措施|办法|具体|事项|其他|以及|并"
    r"|领导同志|同志|及时|做好|进一步|全面"
)
# Words that name the kind of work, not what it is about: two duties that share only
# these (信息化建设, 监督管理, 体系建设, 行政执法) are about different things.
HEAD_WORDS = re.compile(
    r"信息化|标准化|现代化|管理|监督|监管|监察|检查|建设|服务|安全|体系|规划|计划|发展|标准"
    r"|执法|行政|许可|审批|审核|经营|平台|系统|应用|开发|利用|综合|治理|质量|监测|预警|分析"
    r"|研究|制度|机制|体制|改革|创新|保障|考核|评估|评价|宣传|培训|项目|工程|设施|资金|方案"
    r"|业务|技术|科技|专项|重大|重点|问题|资源|信息|运行|指导"
)
# One government's bodies named by level: 市政府 and 区政府 are the same thing to compare.
LEVELLED = re.compile(r"[省市区县州镇乡](?=(人民)?政府|委(?!员))")
# Characters that join two words: a bigram across one is noise.
JOINERS = re.compile(r"[的和及与等或对为在由将其、,，;；:：()（）“”\"'《》〈〉·\s]+")
CLAUSE_END = re.compile(r"[。;；!！?？\n]+")
_RUN = re.compile(r"[\u3400-\u9fff]+|[a-z][a-z0-9]+|[0-9]+")
SUPPORT_VERB = re.compile(r"^(配合|协助|参与|协同)(?![省市区县]?(政府)?领导)")
LEAD_VERB = re.compile(r"^(负责|牵头|统筹|主管)")
SUB_CLAUSE = re.compile(r"[,，]")
# The stages one object is split by: approving it, supervising it, doing the routine work.
STAGES = {
    "approve": re.compile(r"审批|许可|核准|核发|备案|登记"),
    "supervise": re.compile(r"监管|监督检查|执法|处罚|查处|稽查"),
    "routine": re.compile(r"事务性|辅助性|技术性|技术支撑|运行维护|运维"),
}


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Full-width letters and digits made narrow, Latin lower-cased, the level taken off
    a government's name (市政府, 区人民政府: 政府).

    >>> normalise("ＡＢＣ１２３（一）市政府")
    'abc123(一)政府'
    """
    return LEVELLED.sub("", unicodedata.normalize("NFKC", text).lower())


@functools.lru_cache(maxsize=4096)
def clauses(text: str) -> tuple[str, ...]:
    """The clauses of a duty text, those every agency carries left out.

    >>> clauses("数据资源科。负责数据共享。完成市委、市政府交办的其他任务。")
    ('负责数据共享',)
    """
    parts = (c.strip() for c in CLAUSE_END.split(normalise(text)))
    return tuple(
        c for c in parts if c and not BOILERPLATE_CLAUSE.search(c) and not UNIT_NAME.match(c)
    )


def content_runs(text: str) -> list[str]:
    """The runs of a text's characters that carry its subject.

    >>> content_runs("负责全市公共数据的归集和共享工作")
    ['公共数据', '归集', '共享']
    """
    runs: list[str] = []
    for clause in clauses(text):
        for piece in JOINERS.split(GENERIC_WORDS.sub(" ", clause)):
            runs.extend(_RUN.findall(piece))
    return runs


def scan(text: str) -> tuple[Counter[str], frozenset[str]]:
    """The terms of a text — bigrams of its Chinese runs, whole Latin words and numbers —
    and those of them that only ever fall within its head words (:data:`HEAD_WORDS`).

    >>> sorted(scan("负责公共数据归集")[0])
    ['公共', '共数', '归集', '据归', '数据']
    >>> sorted(scan("负责卫生健康信息化建设")[1])
    ['信息', '化建', '建设', '息化']
    """
    found, heads, _edges = scan_edges(text)
    return found, heads


@functools.lru_cache(maxsize=8192)
def scan_edges(text: str) -> tuple[Counter[str], frozenset[str], frozenset[str]]:
    """:func:`scan`, and the terms that only ever cross the edge of a head word: one
    character in it, one out (品经 of 食品经营, 务信 of 政务信息化), which say less of what
    the text is about than the words on either side.

    >>> sorted(scan_edges("负责食品经营许可")[2])
    ['品经']
    """
    found: Counter[str] = Counter()
    head: set[str] = set()
    content: set[str] = set()
    edge: set[str] = set()
    for run in content_runs(text):
        if run[0] < "\u3400":
            found[run] += 1
            content.add(run)
            continue
        if len(run) == 1:
            continue
        inside = [False] * len(run)
        for word in HEAD_WORDS.finditer(run):
            inside[word.start() : word.end()] = [True] * (word.end() - word.start())
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            found[gram] += 1
            if inside[i] and inside[i + 1]:
                head.add(gram)
            else:
                (edge if inside[i] or inside[i + 1] else content).add(gram)
    edges = edge - content
    return found, frozenset(head - content - edges), frozenset(edges)


def is_support(text: str) -> bool:
    """Whether a duty supports (配合, 协助, 参与) more often than it leads (负责,
    牵头, 统筹, 主管), counted over the parts of its clauses.

    >>> is_support("配合上级主管部门加强综合行政执法")
    True
    >>> is_support("负责数据共享,参与数据标准制定")
    False
    >>> is_support("协助市政府领导同志做好应急处置工作")
    False
    """
    parts = [p.strip() for c in clauses(text) for p in SUB_CLAUSE.split(c)]
    support = sum(1 for p in parts if SUPPORT_VERB.search(p))
    lead = sum(1 for p in parts if LEAD_VERB.search(p))
    return support > lead


def stages(text: str) -> frozenset[str]:
    """The stages of an object a text names (see :data:`STAGES`).

    >>> sorted(stages("负责食品经营许可的审批"))
    ['approve']
    """
    flat = normalise(text)
    return frozenset(name for name, pattern in STAGES.items() if pattern.search(flat))


def split_by_stage(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two duties take different stages of one object: each names a stage the
    other does not and they share none, or only one of them does the routine work.

    >>> split_by_stage(frozenset({"approve"}), frozenset({"supervise"}))
    True
    >>> split_by_stage(frozenset({"approve", "supervise"}), frozenset({"supervise"}))
    False
    >>> split_by_stage(frozenset({"routine"}), frozenset())
    True
    """
    if ("routine" in a) != ("routine" in b):
        return True
    return bool(a) and bool(b) and not (a & b)

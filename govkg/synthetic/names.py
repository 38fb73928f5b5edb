"""Word lists for the synthetic workbook generator (``govkg.synthetic``): plain data.

Kept apart so that the generator's logic stays short. The agency templates follow the
usual line-up of a local government: the first four are the ones every government has
(their root functions are the mandatory ones), the rest appear as the government grows.
"""

from __future__ import annotations

from typing import NamedTuple


class Template(NamedTuple):
    """One kind of department as it recurs in every government."""

    province: str  # name at provincial level (after the province's name)
    local: str  # name at city and county level
    kind: str  # agency kind of the contract
    domain: str  # the field of work: names its functions, datasets and power items


TEMPLATES: tuple[Template, ...] = (
    Template("人民政府办公厅", "人民政府办公室", "办事机构", "政务运转"),
    Template("大数据管理局", "数据局", "部门管理机构", "数据资源"),
    Template("发展和改革委员会", "发展和改革局", "政府组成部门", "发展改革"),
    Template("财政厅", "财政局", "政府组成部门", "财政"),
    Template("教育厅", "教育局", "政府组成部门", "教育"),
    Template("科学技术厅", "科学技术局", "政府组成部门", "科技"),
    Template("工业和信息化厅", "工业和信息化局", "政府组成部门", "工业和信息化"),
    Template("公安厅", "公安局", "政府组成部门", "公安"),
    Template("民政厅", "民政局", "政府组成部门", "民政"),
    Template("司法厅", "司法局", "政府组成部门", "司法行政"),
    Template("人力资源和社会保障厅", "人力资源和社会保障局", "政府组成部门", "人力资源社会保障"),
    Template("自然资源厅", "自然资源局", "政府组成部门", "自然资源"),
    Template("生态环境厅", "生态环境局", "政府组成部门", "生态环境"),
    Template("住房和城乡建设厅", "住房和城乡建设局", "政府组成部门", "住房城乡建设"),
    Template("交通运输厅", "交通运输局", "政府组成部门", "交通运输"),
    Template("水利厅", "水利局", "政府组成部门", "水利"),
    Template("农业农村厅", "农业农村局", "政府组成部门", "农业农村"),
    Template("商务厅", "商务局", "政府组成部门", "商务"),
    Template("文化和旅游厅", "文化和旅游局", "政府组成部门", "文化旅游"),
    Template("卫生健康委员会", "卫生健康局", "政府组成部门", "卫生健康"),
    Template("退役军人事务厅", "退役军人事务局", "政府组成部门", "退役军人"),
    Template("应急管理厅", "应急管理局", "政府组成部门", "应急管理"),
    Template("审计厅", "审计局", "政府组成部门", "审计"),
    Template("人民政府国有资产监督管理委员会", "国有资产监督管理局", "直属特设机构", "国资监管"),
    Template("市场监督管理局", "市场监督管理局", "直属机构", "市场监管"),
    Template("统计局", "统计局", "直属机构", "统计"),
    Template("医疗保障局", "医疗保障局", "直属机构", "医疗保障"),
    Template("政务服务管理办公室", "政务服务管理办公室", "直属机构", "政务服务"),
    Template("信访局", "信访局", "部门管理机构", "信访"),
    Template("税务局", "税务局", "垂直管理机构", "税收征管"),
    Template("机构编制委员会办公室", "机构编制委员会办公室", "党委工作机关", "机构编制"),
    Template("总工会", "总工会", "群团组织", "工会"),
    Template("经济技术开发区管理委员会", "高新技术产业园区管理委员会", "派出机构", "园区管理"),
    Template("防汛抗旱指挥部", "防汛抗旱指挥部", "议事协调机构", "防汛抗旱"),
    Template("交通投资集团有限公司", "城市建设投资集团有限公司", "国有企业", "国有资本运营"),
)
OFFICE, DATA_BUREAU, DEVELOPMENT = 0, 1, 2  # templates the generator treats specially
MANDATORY_TEMPLATES = 4  # roots of the first templates are mandatory functions

# Functions that two departments both lead, settled by a division row: (name, a, b).
CROSS_FUNCTIONS: tuple[tuple[str, int, int], ...] = (
    ("食用农产品质量安全监管", 16, 24),
    ("国土空间生态修复", 11, 12),
    ("建设工程安全生产监管", 13, 21),
    ("医疗服务价格管理", 19, 26),
    ("科技成果转化", 5, 6),
)

# The six groups of government functions; each template's root lies below one of them.
GROUPS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("经济调节", (2, 3, 5, 6, 17, 23, 25, 29, 32, 34)),
    ("市场监管", (24, 26)),
    ("社会管理", (7, 8, 9, 20, 21, 28, 33)),
    ("公共服务", (4, 10, 13, 14, 15, 16, 18, 19, 27)),
    ("生态环境保护", (11, 12)),
    ("政府运行保障", (0, 1, 22, 30, 31)),
)

# The leaves below each template's root function; units take them in turn.
LEAVES = (
    "政策法规",
    "发展规划",
    "行业监管",
    "公共服务",
    "统计分析",
    "应急处置",
    "标准制定",
    "宣传教育",
)
ORDINALS = "一二三四五六七八九十"

# Public institutions (事业单位) beyond the templates, placed under a department.
EXTRA_STEMS = (
    "信息中心",
    "事务服务中心",
    "综合行政执法支队",
    "研究院",
    "档案馆",
    "培训中心",
    "检验检测中心",
)

PROVINCE = ("320000", "江淮省")
CITY_NAMES = (
    "东川",
    "西岭",
    "南浦",
    "北塘",
    "云州",
    "临海",
    "平阳",
    "安澜",
    "青溪",
    "白石",
    "长林",
    "清河",
    "金沙",
    "玉泉",
    "松原",
    "柳江",
    "桐城",
    "梅岭",
    "兰溪",
    "枫桥",
)
COUNTY_SYLLABLES = (
    "东",
    "西",
    "南",
    "北",
    "新",
    "安",
    "永",
    "宁",
    "平",
    "清",
    "丰",
    "兴",
    "和",
    "泰",
)

DATA_OBJECTS = ("登记信息", "许可信息", "监管记录", "统计数据", "执法信息", "服务记录", "主体名录")
POWER_OBJECTS = ("经营", "建设", "备案", "资质", "设施", "活动", "项目", "从业人员")
MATERIALS = ("申请书", "身份证明", "营业执照", "场所证明", "技术方案", "承诺书")
SYSTEMS = ("业务管理系统", "综合监管平台", "政务服务系统", "数据共享平台")

# Agency kinds whose agencies hold power items and datasets.
POWER_HOLDER_KINDS = frozenset(
    {
        "政府组成部门",
        "直属特设机构",
        "直属机构",
        "部门管理机构",
        "垂直管理机构",
        "派出机构",
        "办事机构",
    }
)
# Kinds R9 asks a chief data officer of.
CDO_KINDS = frozenset({"政府组成部门", "直属特设机构", "直属机构", "部门管理机构"})

# How a power item's name ends, by its type.
POWER_SUFFIXES = {
    "行政许可": "许可",
    "行政处罚": "违法行为的处罚",
    "行政强制": "相关物品的查封扣押",
    "行政征收": "相关费用征收",
    "行政给付": "补助资金发放",
    "行政检查": "活动的监督检查",
    "行政确认": "资格确认",
    "行政奖励": "先进集体和个人表彰",
    "行政裁决": "权属纠纷裁决",
    "其他行政权力": "备案",
    "公共服务": "政策咨询服务",
}
NAMEPLATES = {0: "外事办公室", 1: "政务服务数据管理局", 21: "地震局", 28: "人民来访接待中心"}
SHARES = ("无条件共享", "有条件共享", "不予共享")
OPENS = ("无条件开放", "有条件开放", "不予开放")
UPDATES = ("实时", "每日", "每周", "每月", "每季", "每年", "不定期")

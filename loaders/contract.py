"""The mandate workbook contract (``docs/workbook.md``): tables, columns, enumerations.

Everything the loaders, the example builder and the benchmark generator know about the
workbook's shape lives here, as data. Enumerated values map to the local names of the
ontology's SKOS concepts (``gk:<LocalName>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """How a cell is read and checked."""

    TEXT = "text"
    ID = "id"  # unique id of its table (agencies and units share one id space)
    AGENCY_ID = "agency_id"  # unique id matching ``[A-Za-z0-9._-]{1,64}``
    REF = "ref"  # a reference to ids of ``Column.refers_to``
    REF_LIST = "ref_list"  # a ;-separated list of references
    ENUM = "enum"
    BOOL = "bool"
    INT = "int"  # integer >= 0
    GOVERNMENT = "government"  # 6-digit division code
    USCC = "uscc"
    TEXT_LIST = "text_list"


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: Kind = Kind.TEXT
    required: bool = False
    values: dict[str, str] | None = None  # enumeration: cell value -> concept local name
    refers_to: tuple[str, ...] = ()  # tables whose ids a reference may name


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False
    id_column: str = "id"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


AGENCY_KINDS = {
    "政府组成部门": "ConstituentDepartment",
    "直属特设机构": "SpecialDirectAgency",
    "直属机构": "DirectAgency",
    "部门管理机构": "DepartmentAdministeredAgency",
    "办事机构": "AdministrativeOffice",
    "议事协调机构": "CoordinationBody",
    "派出机构": "DispatchedAgency",
    "垂直管理机构": "VerticallyManagedAgency",
    "党委工作机关": "PartyCommitteeOrgan",
    "群团组织": "MassOrganization",
    "事业单位": "PublicInstitution",
    "国有企业": "StateOwnedEnterprise",
    "其他": "OtherAgencyKind",
}
LEVELS = {
    "国家": "National",
    "省": "Provincial",
    "市": "Municipal",
    "县": "County",
    "乡": "Township",
}
RANKS = {
    "正部级": "FullMinisterialRank",
    "副部级": "ViceMinisterialRank",
    "正厅级": "FullBureauRank",
    "副厅级": "ViceBureauRank",
    "正处级": "FullDivisionRank",
    "副处级": "ViceDivisionRank",
    "正科级": "FullSectionRank",
    "副科级": "ViceSectionRank",
}
ROLES = {"牵头": "Lead", "配合": "Support", "lead": "Lead", "support": "Support"}
POWER_TYPES = {
    "行政许可": "AdministrativeLicensing",
    "行政处罚": "AdministrativePenalty",
    "行政强制": "AdministrativeCoercion",
    "行政征收": "AdministrativeLevy",
    "行政给付": "AdministrativeBenefit",
    "行政检查": "AdministrativeInspection",
    "行政确认": "AdministrativeConfirmation",
    "行政奖励": "AdministrativeReward",
    "行政裁决": "AdministrativeAdjudication",
    "其他行政权力": "OtherAdministrativePower",
    "公共服务": "PublicService",
}
LIST_SOURCES = {"编办": "EstablishmentOfficeList", "政务服务": "GovernmentServiceList"}
SHARE_TYPES = {
    "无条件共享": "UnconditionalSharing",
    "有条件共享": "ConditionalSharing",
    "不予共享": "NoSharing",
}
OPEN_TYPES = {
    "无条件开放": "UnconditionalOpening",
    "有条件开放": "ConditionalOpening",
    "不予开放": "NoOpening",
}
UPDATE_FREQUENCIES = {
    "实时": "RealTime",
    "每日": "Daily",
    "每周": "Weekly",
    "每月": "Monthly",
    "每季": "Quarterly",
    "每年": "Annually",
    "不定期": "Irregular",
}
DATA_DUTY_KINDS = {
    "采集": "DataCollection",
    "汇聚": "DataAggregation",
    "管理": "DataManagement",
    "提供": "DataProvision",
    "共享": "DataSharing",
    "使用": "DataUse",
    "开放": "DataOpening",
    "安全": "DataSecurity",
}
TRANSFER_KINDS = {
    "划入": "TransferIn",
    "划出": "TransferOut",
    "交给": "HandOver",
    "下放": "Devolution",
    "取消": "Abolition",
}
YES = frozenset({"是", "yes", "true", "1"})
NO = frozenset({"否", "no", "false", "0"})

AGENCY_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
GOVERNMENT_PATTERN = re.compile(r"[0-9]{6}")
LIST_SEPARATOR = re.compile(r"[;；]")

_C = Column
TABLES: tuple[Table, ...] = (
    Table(
        "agencies",
        "机构",
        required=True,
        columns=(
            _C("id", "机构编码", Kind.AGENCY_ID, required=True),
            _C("name", "机构名称", required=True),
            _C("kind", "机构类别", Kind.ENUM, required=True, values=AGENCY_KINDS),
            _C("government", "所属政府", Kind.GOVERNMENT, required=True),
            _C("level", "层级", Kind.ENUM, required=True, values=LEVELS),
            _C("parent", "主管机构", Kind.REF, refers_to=("agencies",)),
            _C("hosted_in", "设在", Kind.REF, refers_to=("agencies",)),
            _C("rank", "机构规格", Kind.ENUM, values=RANKS),
            _C("also_named", "加挂牌子", Kind.TEXT_LIST),
            _C("uscc", "统一社会信用代码", Kind.USCC),
            _C("staffing", "编制数", Kind.INT),
            _C("cdo", "首席数据官"),
            _C("mandate", "三定规定"),
        ),
    ),
    Table(
        "units",
        "内设机构",
        columns=(
            _C("id", "内设机构编码", Kind.ID, required=True),
            _C("agency", "所属机构编码", Kind.REF, required=True, refers_to=("agencies",)),
            _C("name", "名称", required=True),
            _C("staffing", "编制数", Kind.INT),
        ),
    ),
    Table(
        "functions",
        "职能目录",
        columns=(
            _C("id", "职能编码", Kind.ID, required=True),
            _C("name", "职能名称", required=True),
            _C("broader", "上级职能编码", Kind.REF, refers_to=("functions",)),
            _C("mandatory", "必设", Kind.BOOL),
            _C("category", "职能类别"),
        ),
    ),
    Table(
        "duties",
        "职责",
        columns=(
            _C("id", "职责编码", Kind.ID, required=True),
            _C("holder", "承担机构编码", Kind.REF, required=True, refers_to=("agencies", "units")),
            _C("text", "职责描述", required=True),
            _C("function", "职能编码", Kind.REF, refers_to=("functions",)),
            _C("role", "角色", Kind.ENUM, values=ROLES),
            _C("basis", "依据"),
        ),
    ),
    Table(
        "divisions",
        "职责分工",
        columns=(
            _C("id", "编号", Kind.ID, required=True),
            _C("agencies", "涉及机构", Kind.REF_LIST, required=True, refers_to=("agencies",)),
            _C("function", "职能编码", Kind.REF, required=True, refers_to=("functions",)),
            _C("text", "分工内容", required=True),
            _C("basis", "依据"),
        ),
    ),
    Table(
        "power_items",
        "权力事项",
        columns=(
            _C("id", "事项编码", Kind.ID, required=True),
            _C("base_code", "基本编码", required=True),
            _C("name", "事项名称", required=True),
            _C("type", "事项类型", Kind.ENUM, required=True, values=POWER_TYPES),
            _C("agency", "实施机构编码", Kind.REF, required=True, refers_to=("agencies",)),
            _C("basis", "设定依据"),
            _C("time_limit", "办结时限", Kind.INT),
            _C("materials", "申请材料", Kind.TEXT_LIST),
            _C("source", "来源", Kind.ENUM, required=True, values=LIST_SOURCES),
            _C("impl_code", "实施编码"),
        ),
    ),
    Table(
        "datasets",
        "数据资源",
        columns=(
            _C("id", "数据资源编码", Kind.ID, required=True),
            _C("name", "名称", required=True),
            _C("sources", "数源部门编码", Kind.REF_LIST, refers_to=("agencies",)),
            _C("share_type", "共享类型", Kind.ENUM, values=SHARE_TYPES),
            _C("open_type", "开放类型", Kind.ENUM, values=OPEN_TYPES),
            _C("update", "更新周期", Kind.ENUM, values=UPDATE_FREQUENCIES),
            _C("system", "来源系统"),
        ),
    ),
    Table(
        "data_duties",
        "数据职责",
        columns=(
            _C("id", "编号", Kind.ID, required=True),
            _C("holder", "承担机构编码", Kind.REF, required=True, refers_to=("agencies", "units")),
            _C("kind", "职责类型", Kind.ENUM, required=True, values=DATA_DUTY_KINDS),
            _C("dataset", "数据资源编码", Kind.REF, refers_to=("datasets",)),
            _C("in_mandate", "三定已载明", Kind.BOOL),
            _C("text", "描述"),
        ),
    ),
    Table(
        "transfers",
        "职责划转",
        columns=(
            _C("id", "编号", Kind.ID, required=True),
            _C("agency", "机构编码", Kind.REF, required=True, refers_to=("agencies",)),
            _C("kind", "划转类型", Kind.ENUM, required=True, values=TRANSFER_KINDS),
            _C("counterpart", "对方"),
            _C("counterpart_id", "对方机构编码", Kind.REF, refers_to=("agencies",)),
            _C("text", "内容", required=True),
            _C("basis", "依据"),
        ),
    ),
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# Ids that share one space: a reference to "agencies" or "units" resolves in it.
SHARED_ID_SPACE = frozenset({"agencies", "units"})


def normalise_name(name: str) -> str:
    """How table and column names are matched: case and surrounding spaces ignored.

    >>> normalise_name("  Agencies ")
    'agencies'
    """
    return name.strip().casefold()


@dataclass
class _Lookup:
    tables: dict[str, Table] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)


def _build_lookup() -> _Lookup:
    lookup = _Lookup()
    for table in TABLES:
        for spelling in (table.name, table.zh):
            lookup.tables[normalise_name(spelling)] = table
        lookup.columns[table.name] = {
            normalise_name(spelling): column.name
            for column in table.columns
            for spelling in (column.name, column.zh)
        }
    return lookup


_LOOKUP = _build_lookup()


def table_for(name: str) -> Table | None:
    """The contract table a sheet or CSV file name denotes, in Chinese or English.

    >>> table_for("内设机构").name
    'units'
    >>> table_for("notes") is None
    True
    """
    return _LOOKUP.tables.get(normalise_name(name))


def column_for(table: Table, header: str) -> str | None:
    """The contract column a header cell denotes, or None for an extra column.

    >>> column_for(TABLES_BY_NAME["agencies"], " 机构编码 ")
    'id'
    """
    return _LOOKUP.columns[table.name].get(normalise_name(header))


def split_list(cell: str) -> list[str]:
    """The items of a list cell, separated by ``;`` or ``；``, blanks dropped.

    >>> split_list("A01; A02；")
    ['A01', 'A02']
    """
    return [part.strip() for part in LIST_SEPARATOR.split(cell) if part.strip()]


def parse_bool(cell: str) -> bool | None:
    """Yes/no cells: 是/否, yes/no, true/false, 1/0; None for anything else.

    >>> parse_bool("是"), parse_bool("FALSE"), parse_bool("maybe")
    (True, False, None)
    """
    value = cell.strip().casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    return None

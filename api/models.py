"""The JSON payloads of the REST resources (OpenAPI schemas with examples).

Enumerated values are concepts of the ontology, with their Chinese and English labels:
``{"id": "ConstituentDepartment", "zh": "政府组成部门", "en": "constituent department"}``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Concept(BaseModel):
    id: str = Field(examples=["ConstituentDepartment"])
    zh: str | None = Field(default=None, examples=["政府组成部门"])
    en: str | None = Field(default=None, examples=["constituent department"])


class Ref(BaseModel):
    """Another resource, by workbook id and name."""

    id: str = Field(examples=["JH-DSJ"])
    name: str | None = Field(default=None, examples=["江海市大数据管理局"])


class Paged(BaseModel, Generic[T]):
    total: int = Field(examples=[45])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])
    items: list[T]


class Message(BaseModel):
    zh: str
    en: str


class FindingView(BaseModel):
    """A finding of workbook.md, with the rule's names and what it concerns."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rule": "R2",
                    "severity": "violation",
                    "focus": "F030201",
                    "related": ["JH-SCJG", "JH-WJW"],
                    "message": {"zh": "…", "en": "…"},
                    "rule_name": {"id": "R2", "zh": "职责交叉未分工", "en": "…"},
                    "agencies": ["JH-SCJG", "JH-WJW"],
                    "governments": ["329900"],
                }
            ]
        }
    )

    rule: str
    severity: str
    focus: str
    related: list[str]
    message: Message
    status: str | None = None
    rule_name: Concept
    agencies: list[str] = Field(description="机构 agencies it concerns")
    governments: list[str] = Field(description="政府 governments it concerns")


class RuleTally(BaseModel):
    """How many findings of one rule concern something, and where to read them."""

    rule_name: Concept
    severity: str = Field(examples=["violation"])
    count: int = Field(examples=[2])
    href: str = Field(examples=["/findings?agency=JH-DSJ&rule=R2"])


class FindingsTally(BaseModel):
    """The findings that concern an agency, counted by rule (most serious first); the
    findings themselves are paged at ``href``. At a province's scale one agency's R7
    findings alone name tens of thousands of items: embedded, they made payloads of
    megabytes (docs/benchmarks.md#api)."""

    total: int = Field(examples=[3])
    by_rule: list[RuleTally]
    href: str = Field(examples=["/findings?agency=JH-DSJ"])


class AgencySummary(BaseModel):
    id: str = Field(examples=["JH-DSJ"])
    iri: str = Field(examples=["https://id.govkg.org/agency/JH-DSJ"])
    name: str | None = Field(examples=["江海市大数据管理局"])
    kind: Concept | None
    government: str | None = Field(examples=["329900"])
    level: Concept | None


class Unit(BaseModel):
    id: str = Field(examples=["JH-DSJ-01"])
    name: str | None = Field(default=None, examples=["办公室"])
    staffing: int | None = Field(default=None, examples=[5])


class Duty(BaseModel):
    id: str = Field(examples=["ZZ-JH-DSJ-01"])
    holder: str = Field(examples=["JH-DSJ"])
    text: str | None = None
    role: Concept | None = None
    function: Ref | None = None
    basis: str | None = None


class DataDuty(BaseModel):
    id: str = Field(examples=["SJZZ-0001"])
    holder: str
    kind: Concept | None = None
    dataset: Ref | None = None
    in_mandate: bool | None = None
    text: str | None = None


class DatasetRef(BaseModel):
    id: str = Field(examples=["SJZY-001"])
    name: str | None = None
    share_type: Concept | None = None
    open_type: Concept | None = None


class PowerItem(BaseModel):
    id: str = Field(examples=["QLQD-329900-0001"])
    base_code: str | None = None
    name: str | None = None
    type: Concept | None = None
    source: Concept | None = None


class Transfer(BaseModel):
    """A transfer of duties (职责划转) a mandate states (workbook table transfers)."""

    id: str = Field(examples=["JH-STHJ-一（一）"])
    kind: Concept | None = None
    direction: str = Field(
        examples=["stated"],
        description="stated：本机构三定写明；named：他机构三定写明、本机构为对方"
        " stated: this agency's mandate states it; named: another's, with this agency as"
        " the counterpart",
    )
    stated_by: Ref
    counterpart: str | None = Field(default=None, examples=["原国家环境保护总局"])
    counterpart_agency: Ref | None = None
    text: str | None = None
    basis: str | None = None


class AgencyDetail(AgencySummary):
    rank: Concept | None = None
    parent: Ref | None = None
    hosted_in: Ref | None = None
    also_named: list[str] = []
    uscc: str | None = None
    staffing: int | None = None
    cdo: str | None = None
    mandate: str | None = None
    units: list[Unit]
    duties: list[Duty]
    data_duties: list[DataDuty]
    datasets: list[DatasetRef]
    power_items: list[PowerItem]
    transfers: list[Transfer] = []
    findings: FindingsTally


class FunctionSummary(BaseModel):
    id: str = Field(examples=["F0101"])
    iri: str
    name: str | None = Field(examples=["数字政府建设统筹"])
    broader: str | None = Field(default=None, examples=["F01"])
    mandatory: bool = False
    categories: list[str] = Field(default=[], examples=[["信息化"]])


class FunctionDuty(BaseModel):
    id: str
    holder: str
    agency: Ref
    text: str | None = None
    role: Concept | None = None


class Division(BaseModel):
    id: str = Field(examples=["FG-01"])
    text: str | None = None
    basis: str | None = None
    agencies: list[str]


class FunctionDetail(FunctionSummary):
    broader_function: Ref | None = None
    narrower: list[Ref]
    leads: list[FunctionDuty]
    supports: list[FunctionDuty]
    divisions: list[Division]
    transfers: list[Transfer] = Field(
        default=[], description="牵头机构的职责划转 the transfers of the lead agencies"
    )
    findings: list[FindingView]


class DatasetSummary(BaseModel):
    id: str = Field(examples=["SJZY-001"])
    iri: str
    name: str | None = Field(examples=["人口基础信息"])
    sources: list[str] = Field(examples=[["JH-GAJ"]])


class DatasetDuty(BaseModel):
    id: str
    holder: str
    agency: str | None = None
    kind: Concept | None = None
    in_mandate: bool | None = None
    text: str | None = None


class DatasetDetail(BaseModel):
    id: str
    iri: str
    name: str | None = None
    sources: list[Ref]
    share_type: Concept | None = None
    open_type: Concept | None = None
    update: Concept | None = None
    system: str | None = None
    data_duties: list[DatasetDuty]
    findings: list[FindingView]


class OverlapSide(BaseModel):
    agency: Ref
    duties: list[Duty]


class Overlap(BaseModel):
    """An R2 finding: two agencies lead one function with no division clause."""

    function: Ref
    message: Message
    sides: list[OverlapSide] = Field(description="两个机构的牵头职责 both agencies' lead duties")


class FindingsReport(BaseModel):
    """The findings JSON of workbook.md."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conforms": False,
                    "counts": {"violation": 1, "warning": 0, "info": 0},
                    "findings": [
                        {
                            "rule": "R1",
                            "severity": "violation",
                            "focus": "DS-0001",
                            "related": ["A01", "A02"],
                            "message": {"zh": "…", "en": "…"},
                        }
                    ],
                }
            ]
        }
    )

    conforms: bool
    counts: dict[str, int]
    findings: list[dict[str, Any]]


class LoadedSource(BaseModel):
    graph: str = Field(examples=["https://id.govkg.org/graph/city"])
    rows: int
    triples: int


class LoadReport(BaseModel):
    sources: list[LoadedSource]
    seconds: float
    generation: str | None = Field(default=None, examples=["gen-000002"])
    findings: int | None = Field(
        default=None,
        description="保存的规则问题数；未计算时为 null the findings stored; null when none were",
        examples=[37],
    )


class UpdateReport(BaseModel):
    generation: str = Field(examples=["gen-000003"])
    findings: int | None = Field(
        default=None,
        description="保存的规则问题数；未计算时为 null the findings stored; null when none were",
        examples=[37],
    )

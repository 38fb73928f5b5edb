"""Small random workbooks shaped unlike ``govkg.synthetic``, and random drafts of them.

The generator's workbooks are regular: governments alike, one catalogue per government,
every reference inside its government. These are not. 1-4 governments share one
function catalogue (a tree, some functions mandatory, categories inherited); parents and
hosts point anywhere, across governments and in cycles; units hold duties and data
duties; a base code is used by several agencies, its items differing or not; impl codes
are well formed, broken in one part, or of another base code; duty texts repeat with
small changes (R16) and transfers name counterparts that do or do not state them (R17).
Every row is valid input (the loader accepts it): what varies is what the rules see.
"""

from __future__ import annotations

import random

from govkg.loaders.codes import uscc_check_character

Tables = dict[str, list[list[str]]]

KINDS = ["政府组成部门", "直属机构", "部门管理机构", "直属特设机构", "事业单位", "其他"]
CATEGORIES = ["", "", "信息化", "数据管理", "其他类"]
ROLES = ["牵头", "配合", "lead", "support", ""]
POWER_TYPES = ["行政许可", "行政处罚", "公共服务"]
DATA_DUTY_KINDS = ["采集", "汇聚", "管理", "提供", "共享", "使用"]
TRANSFER_KINDS = ["划入", "划出", "交给", "下放", "取消"]
TEXTS = [
    "负责全市药品监督管理",
    "负责药品监督管理工作",
    "承担生态环境监测",
    "负责本部门数据资源管理",
    "组织实施住房保障",
    "负责全市住房保障工作",
    "指导安全生产",
    "负责安全生产监督管理",
]
HEADERS = {
    "agencies": ["id", "name", "kind", "government", "level", "parent", "hosted_in", "uscc"]
    + ["staffing", "cdo"],
    "units": ["id", "agency", "name", "staffing"],
    "functions": ["id", "name", "broader", "mandatory", "category"],
    "duties": ["id", "holder", "text", "function", "role"],
    "divisions": ["id", "agencies", "function", "text"],
    "power_items": ["id", "base_code", "name", "type", "agency", "basis", "source", "impl_code"],
    "datasets": ["id", "name", "sources", "share_type"],
    "data_duties": ["id", "holder", "kind", "dataset", "in_mandate"],
    "transfers": ["id", "agency", "kind", "counterpart", "counterpart_id", "text"],
}


def random_uscc(rng: random.Random) -> str:
    """A valid unified social credit code (GB 32100-2015 check character)."""
    digits, characters = "0123456789", "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first = "91" + "".join(rng.choice(digits) for _ in range(6)) + "MA"
    first += "".join(rng.choice(characters) for _ in range(7))
    check = uscc_check_character(first)
    assert check is not None
    return first + check


def _impl_code(rng: random.Random, base_code: str, agency: list[str]) -> str:
    """Empty, well formed for the agency, one part broken, or of another base code."""
    draw = rng.random()
    if draw < 0.3:
        return ""
    government, uscc = agency[3], agency[7] or random_uscc(rng)
    area = government + "".join(rng.choice("0123456789") for _ in range(12 - len(government)))
    parts = [base_code, area, "000", uscc, str(rng.randint(0, 9)), f"{rng.randint(0, 99):02d}"]
    if draw < 0.45:
        parts[rng.randrange(6)] = rng.choice(["", "1", "abc", "00", "9" * 12, random_uscc(rng)])
    if draw > 0.9:
        parts[0] = "B9"
    return "-".join(parts)


def _staffing(rng: random.Random, top: int, share: float = 0.6) -> str:
    return str(rng.randint(0, top)) if rng.random() < share else ""


def random_tables(rng: random.Random) -> Tables:
    """A workbook of 1-4 governments, 1-6 agencies each, one shared catalogue."""
    governments = [f"{rng.randint(11, 65)}0000" for _ in range(rng.randint(1, 4))]
    agency_ids = [f"G{g}A{k}" for g in range(len(governments)) for k in range(rng.randint(1, 6))]
    agencies = []
    for agency in agency_ids:
        government = governments[int(agency[1 : agency.index("A")])]
        parent = rng.choice(agency_ids) if rng.random() < 0.25 else ""
        hosted_in = rng.choice(agency_ids) if rng.random() < 0.15 else ""
        uscc = rng.choice(["", "", random_uscc(rng), "91100000MA0000001G"])
        agencies.append(
            [agency, f"机构{agency}", rng.choice(KINDS), government, "市", parent, hosted_in]
            + [uscc, _staffing(rng, 30), rng.choice(["", "张三"])]
        )
    units = [
        [f"{agency}U{k}", agency, f"处{agency}U{k}", _staffing(rng, 12)]
        for agency in agency_ids
        for k in range(rng.choice([0, 0, 1, 2, 3]))
    ]
    function_ids = [f"F{k}" for k in range(rng.randint(2, 9))]
    functions = [
        [function, f"职能{function}"]
        + [rng.choice(function_ids[:i]) if i and rng.random() < 0.5 else ""]
        + [rng.choice(["是", "否", ""]), rng.choice(CATEGORIES)]
        for i, function in enumerate(function_ids)
    ]
    holders = agency_ids + [unit[0] for unit in units]
    duties = [
        [f"D{k}", rng.choice(holders), rng.choice(TEXTS), rng.choice([*function_ids, ""])]
        + [rng.choice(ROLES)]
        for k in range(rng.randint(0, 25))
    ]
    divisions = []
    if len(agency_ids) > 1:
        for k in range(rng.randint(0, 4)):
            named = rng.sample(agency_ids, min(len(agency_ids), rng.randint(2, 3)))
            divisions.append([f"V{k}", ";".join(named), rng.choice(function_ids), "分工"])
    by_id = {row[0]: row for row in agencies}
    power_items = []
    for k in range(rng.randint(0, 12)):
        agency, base_code = rng.choice(agency_ids), rng.choice(["B0", "B1", "B2", "00-1", "X-Y"])
        power_items.append(
            [f"P{k}", base_code, rng.choice(["许可甲", "许可乙"]), rng.choice(POWER_TYPES)]
            + [agency, rng.choice(["", "法一", "法二"]), rng.choice(["编办", "政务服务"])]
            + [_impl_code(rng, base_code, by_id[agency])]
        )
    dataset_ids = [f"S{k}" for k in range(rng.randint(0, 5))]
    datasets = [
        [dataset, f"数据{dataset}"]
        + [";".join(rng.sample(agency_ids, min(len(agency_ids), rng.choice([0, 1, 1, 2]))))]
        + [rng.choice(["无条件共享", "有条件共享", "不予共享", ""])]
        for dataset in dataset_ids
    ]
    data_duties = [
        [f"DD{k}", rng.choice(holders), rng.choice(DATA_DUTY_KINDS)]
        + [rng.choice([*dataset_ids, ""]), rng.choice(["是", "否", ""])]
        for k in range(rng.randint(0, 12))
    ]
    transfers = [
        [f"T{k}", rng.choice(agency_ids), rng.choice(TRANSFER_KINDS), ""]
        + [rng.choice([*agency_ids, ""]), rng.choice(TEXTS)]
        for k in range(rng.randint(0, 5))
    ]
    rows = {
        "agencies": agencies,
        "units": units,
        "functions": functions,
        "duties": duties,
        "divisions": divisions,
        "power_items": power_items,
        "datasets": datasets,
        "data_duties": data_duties,
        "transfers": transfers,
    }
    return {table: [HEADERS[table], *table_rows] for table, table_rows in rows.items()}


def random_draft(rng: random.Random, base: Tables) -> Tables:
    """A draft re-mandating one or two of ``base``'s agencies: new parents, staffing and
    chief data officers, units (some keeping an old unit's id), duties, a division, data
    duties and transfers; sometimes a function or a dataset replaced or added."""
    agencies = base["agencies"][1:]
    agency_ids = [row[0] for row in agencies]
    function_ids = [row[0] for row in base["functions"][1:]]
    dataset_ids = [row[0] for row in base["datasets"][1:]]
    remandated, units, holders = [], [], []
    for row in rng.sample(agencies, min(len(agencies), rng.randint(1, 2))):
        row = [*row]
        row[5] = rng.choice(agency_ids) if rng.random() < 0.3 else ""
        row[8], row[9] = _staffing(rng, 30), rng.choice(["", "李四"])
        remandated.append(row)
        holders.append(row[0])
        for _ in range(rng.choice([0, 1, 2])):
            unit = f"{row[0]}U{rng.randint(0, 4)}"
            if unit not in holders:
                holders.append(unit)
                units.append([unit, row[0], f"新处{unit}", _staffing(rng, 9, 0.5)])
    first = remandated[0][0]
    draft: dict[str, list[list[str]]] = {
        "agencies": remandated,
        "units": units,
        "duties": [
            [f"ND{k}", rng.choice(holders), rng.choice(TEXTS)]
            + [rng.choice([*function_ids, ""]), rng.choice(ROLES)]
            for k in range(rng.randint(0, 6))
        ],
        "data_duties": [
            [f"NDD{k}", rng.choice(holders), rng.choice(DATA_DUTY_KINDS)]
            + [rng.choice([*dataset_ids, ""]), rng.choice(["是", "否", ""])]
            for k in range(rng.randint(0, 3))
        ],
        "transfers": [
            [f"NT{k}", first, rng.choice(TRANSFER_KINDS), "", rng.choice(agency_ids)]
            + [rng.choice(TEXTS)]
            for k in range(rng.randint(0, 2))
        ],
        "divisions": [],
        "functions": [],
        "datasets": [],
    }
    others = [agency for agency in agency_ids if agency != first]
    if others and rng.random() < 0.5:
        named = f"{first};{rng.choice(others)}"
        draft["divisions"].append(["NV0", named, rng.choice(function_ids), "新分工"])
    if rng.random() < 0.4:
        function = rng.choice(base["functions"][1:])
        replaced = [*function[:3], rng.choice(["是", "否"]), rng.choice(CATEGORIES)]
        draft["functions"].append(replaced)
    if rng.random() < 0.4:
        sources = ";".join(rng.sample(agency_ids, min(len(agency_ids), rng.choice([0, 1, 2]))))
        draft["datasets"].append([f"NS{rng.randint(0, 1)}", "新数据", sources, "无条件共享"])
    return {
        table: [HEADERS[table], *rows]
        for table, rows in draft.items()
        if rows or table == "agencies"
    }

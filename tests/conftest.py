"""Shared fixtures: tiny workbooks written as a staff member would write them."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def write_csv_workbook(folder: Path, tables: dict[str, list[list[str]]]) -> Path:
    """A folder of CSV files, one per table: ``{"机构": [header, row, ...]}``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


SMALL_CITY = {
    "机构": [
        [
            "机构编码",
            "机构名称",
            "机构类别",
            "所属政府",
            "层级",
            "主管机构",
            "设在",
            "编制数",
            "加挂牌子",
        ],
        ["A01", "市人民政府办公室", "办事机构", "329900", "市", "", "", "60", "市外事办公室"],
        ["A02", "市大数据管理局", "部门管理机构", "329900", "市", "", "A01", "25", ""],
        ["A03", "市市场监督管理局", "政府组成部门", "329900", "市", "", "", "120", ""],
    ],
    "内设机构": [
        ["内设机构编码", "所属机构编码", "名称", "编制数"],
        ["U01", "A03", "信息化科", "8"],
        ["U02", "A02", "数据资源科", "6"],
    ],
    "职能目录": [
        ["职能编码", "职能名称", "上级职能编码", "必设", "职能类别"],
        ["F01", "数据管理", "", "是", "数据管理"],
        ["F02", "数据共享", "F01", "", ""],
    ],
    "职责": [
        ["职责编码", "承担机构编码", "职责描述", "职能编码", "角色", "依据"],
        [
            "D01",
            "A02",
            "负责全市数据资源整合共享和开发利用工作。",
            "F02",
            "牵头",
            "三定规定第三条（一）",
        ],
        ["D02", "U01", "负责本系统信息化建设。", "F02", "配合", ""],
    ],
}


def run_govkg(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "govkg.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture
def small_city(tmp_path: Path) -> Path:
    return write_csv_workbook(tmp_path / "small-city", SMALL_CITY)

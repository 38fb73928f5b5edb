"""govkg import mandate: 三定 texts in both forms become drafts that `validate` accepts,
matched to the baseline as the facts written beside each text say (what is read in the texts
themselves: tests/test_mandate_reading.py).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path

import pytest
from govkg.loaders.mandate.baseline import baseline_from_workbook
from govkg.loaders.mandate.importer import build_draft, read_mandate
from govkg.loaders.workbook import read_workbook

from govkg.cli import main

from .conftest import REPO
from .mandate_texts import CITY, MANDATES, TEXTS, expected_of


@pytest.fixture(scope="module")
def city() -> object:
    return baseline_from_workbook(CITY)


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.name)
def test_the_draft_matches_the_baseline_by_name(text: Path, city: object) -> None:
    expected = expected_of(text)
    result = build_draft([text], city)  # type: ignore[arg-type]
    rows = result.draft.rows
    agency = rows["agencies"][0]
    if expected["baseline_id"]:
        assert agency["id"] == expected["baseline_id"]
    else:
        assert agency["government"] == expected["government"]
        assert agency["level"] == "国家"
    assert [d["agencies"].split("；") for d in rows.get("divisions", [])] == expected[
        "matched_divisions"
    ]
    assert [name for _, _, name in result.draft.unmatched] == expected["unmatched"]
    found: dict[str, list[str]] = {}
    basis_of = {d["id"]: d["basis"] for d in rows["duties"]}
    for duty in rows.get("data_duties", []):
        stated_by = duty["id"].rsplit("-", 1)[0]
        if stated_by not in basis_of:
            continue  # carried from the baseline (tests/test_mandate_carry.py)
        found.setdefault(basis_of[stated_by], []).append(duty["kind"])
        assert duty["in_mandate"] == "是"
    assert found == expected["data_duties"]
    # Duties keep the numbers of the text, in its order.
    agency_duties = [d for d in rows["duties"] if d["holder"] == agency["id"]]
    assert len(agency_duties) == expected["duties"]
    assert all(
        d["id"].endswith(d["basis"].split("三定规定")[-1].split("、")[-1])
        for d in agency_duties
        if d["basis"].startswith("三定规定")
    )


def test_the_draft_goes_straight_into_validate(tmp_path: Path, capsys) -> None:
    out = tmp_path / "sthj.xlsx"
    status = main(
        [
            "import",
            "mandate",
            str(MANDATES / "jianghai-sthj.txt"),
            "-o",
            str(out),
            "--baseline",
            str(CITY),
        ]
    )
    assert status == 0
    assert "市气象局" in capsys.readouterr().out  # the unmatched name is reported
    workbook = read_workbook(out)
    assert {t for t in workbook.tables} == {
        "agencies",
        "units",
        "duties",
        "divisions",
        "power_items",
        "data_duties",
        "transfers",
    }
    status = main(["validate", str(CITY), "--draft", str(out), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status in (0, 1)  # no contract error (that would be 2)
    new = [f for f in report["findings"] if f["status"] == "new"]
    # The report speaks of a unit's duty by its number in the text.
    assert any(f["focus"] == "JH-STHJ-第四条（一）" for f in new if f["rule"] == "R14")
    # Every unit of the text holds its duty: nothing for R5 to report.
    assert not [f for f in new if f["rule"] == "R5"]


def test_a_csv_folder_draft_and_the_side_sheets(tmp_path: Path, capsys) -> None:
    out = tmp_path / "zwb"
    status = main(
        [
            "import",
            "mandate",
            str(MANDATES / "jianghai-zwb-2015.txt"),
            "-o",
            str(out),
            "--baseline",
            str(CITY),
        ]
    )
    assert status == 0
    names = {p.name for p in out.iterdir()}
    assert {"机构.csv", "职责.csv", "职能建议.csv", "条款.csv", "导入说明.csv"} <= names
    duties = (out / "职责.csv").read_text(encoding="utf-8")
    assert "JH-ZWB-二（四）" in duties and "二、主要职责（四）" in duties
    items = (out / "条款.csv").read_text(encoding="utf-8")
    assert "职能转变" in items and "交办的其他任务" in items
    assert main(["validate", str(CITY), "--draft", str(out)]) in (0, 1)


def test_the_store_serves_as_baseline(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    assert main(["load", str(CITY), "--store", str(store)]) == 0
    out = tmp_path / "dsj.xlsx"
    status = main(
        [
            "import",
            "mandate",
            str(MANDATES / "jianghai-dsj.html"),
            "-o",
            str(out),
            "--store",
            str(store),
        ]
    )
    assert status == 0
    rows = dict(read_workbook(out).tables)
    agency = rows["agencies"].rows[0][1]
    assert agency[0] == "JH-DSJ" and agency[6] == "JH-ZFB"  # hosted_in carried over
    assert [r[1][1] for r in rows["divisions"].rows] == ["JH-DSJ；JH-GXJ", "JH-DSJ；JH-ZWB"]


def test_proposals_are_accurate_enough() -> None:
    spec = importlib.util.spec_from_file_location(
        "mandate_accuracy", REPO / "bench" / "mandate_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.accuracy(MANDATES, CITY)
    assert result["duties"] >= 50
    # Measured 79% top-1 and 98% top-3 (docs/mandate-import.md); the floors leave a margin.
    assert result["top1"] >= 0.7
    assert result["top3"] >= 0.9
    assert result["sure_precision"] >= 0.85


@pytest.mark.parametrize(
    ("name", "content", "zh"),
    [
        ("broken.docx", b"not a zip", "无法读取 .docx"),
        (
            "notice.txt",
            "江海市统计局职能配置、内设机构和人员编制规定\n第一条 根据。\n第二条 是。\n"
            "第三条 施行。".encode(),
            "没有找到「主要职责」",
        ),
        ("minutes.txt", "会议纪要\n一、会议议定事项".encode(), "找不到标题"),
        ("scan.rtf", b"{\\rtf1}", "不支持的文件类型"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    tmp_path: Path, capsys, name: str, content: bytes, zh: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "draft.xlsx"
    status = main(
        [
            "import",
            "mandate",
            str(MANDATES / "jianghai-sthj.txt"),
            str(bad),
            "-o",
            str(out),
            "--baseline",
            str(CITY),
        ]
    )
    assert status == 2
    error = capsys.readouterr().err
    assert str(bad) in error and zh in error
    assert not out.exists()


def test_a_government_the_baseline_lacks_gives_a_draft_and_says_so(tmp_path: Path, capsys) -> None:
    out = tmp_path / "draft"
    args = ["import", "mandate", str(MANDATES / "national-bureau.txt"), "-o", str(out)]
    status = main([*args, "--baseline", str(CITY), "--government", "110000"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "基准中没有政府 110000" in printed and "baseline checks skipped" in printed
    assert ",110000,省," in (out / "机构.csv").read_text(encoding="utf-8")


def test_a_new_local_agency_gets_its_government_from_its_place(tmp_path: Path, capsys) -> None:
    """江海市海滨区 is the place of the baseline's agencies of 329902: no code needed; a
    place the baseline does not know needs --government."""
    text = (MANDATES / "jianghai-sthj.txt").read_text(encoding="utf-8")
    renamed = tmp_path / "haibin.txt"
    renamed.write_text(
        text.replace("江海市生态环境局职能", "江海市海滨区生态环境分局职能"), encoding="utf-8"
    )
    out = tmp_path / "draft"
    assert main(["import", "mandate", str(renamed), "-o", str(out), "--baseline", str(CITY)]) == 0
    agencies = (out / "机构.csv").read_text(encoding="utf-8").splitlines()
    assert ",329902,县," in agencies[1]
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(
        text.replace("江海市生态环境局职能", "河口市生态环境局职能"), encoding="utf-8"
    )
    other = tmp_path / "other"
    args = ["import", "mandate", str(elsewhere), "-o", str(other), "--baseline", str(CITY)]
    assert main(args) == 2
    assert "--government" in capsys.readouterr().err
    assert not other.exists()
    assert main([*args, "--government", "329800"]) == 0
    assert ",329800,市," in (other / "机构.csv").read_text(encoding="utf-8")


def test_several_texts_make_one_draft(tmp_path: Path, capsys) -> None:
    texts = [MANDATES / "jianghai-sthj.txt", MANDATES / "traditional-noise.txt"]
    out = tmp_path / "two"
    assert (
        main(["import", "mandate", *map(str, texts), "-o", str(out), "--baseline", str(CITY)]) == 0
    )
    rows = read_workbook(out).rows("agencies")
    assert [row[0] for _, row in rows] == ["JH-STHJ", "JH-TJJ"]
    assert main(["validate", str(CITY), "--draft", str(out)]) in (0, 1)
    # The same agency twice is refused, naming the second file.
    twice = [str(texts[0]), str(MANDATES / "jianghai-sthj.pdf")]
    assert (
        main(["import", "mandate", *twice, "-o", str(tmp_path / "x"), "--baseline", str(CITY)]) == 2
    )
    assert "jianghai-sthj.pdf" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


VARIANT = """江海市水利局职能配置、内设机构和人员编制规定
第一条 根据江海市机构改革方案，制定本规定。
第二条 市水利局是市政府工作部门，为正县级，加挂市河湖长制工作办公室、市防汛抗旱指挥部办公室牌子。\
主要职责是：
（一）负责保障水资源的合理开发利用，拟订全市水利发展规划。
（二）负责全市水旱灾害防御工作，组织编制洪水干旱防治规划。
（三）有关职责分工。（1）与市农业农村局的有关职责分工。市农业农村局负责农田建设项目管理。\
（2）与市自然资源和规划局的有关职责分工。市水利局负责水资源调查评价。
第三条 市水利局设下列内设机构：
（一）办公室（行政审批科）。负责机关日常运转。
（二）河湖管理科。负责河湖管理保护。
第四条 市水利局机关行政编制为34名。设局长1名，副局长2名。
"""


def test_variants_of_the_current_form(tmp_path: Path, city: object) -> None:
    text = tmp_path / "slj.txt"
    text.write_text(VARIANT, encoding="gb18030")  # older pages are GB18030
    mandate = read_mandate(text)
    assert (mandate.kind, mandate.rank) == ("政府组成部门", "正处级")  # 正县级 is 正处级
    assert mandate.also_named == ["市河湖长制工作办公室", "市防汛抗旱指挥部办公室"]
    assert [i.kind for i in mandate.items] == ["duty", "duty", "division"]
    assert [u.name for u in mandate.units] == ["办公室（行政审批科）", "河湖管理科"]
    assert [d.basis for d in mandate.divisions] == [
        "三定规定第二条（三）1",
        "三定规定第二条（三）2",
    ]
    rows = build_draft([text], city).draft.rows  # type: ignore[arg-type]
    assert rows["agencies"][0]["id"] == "JH-SLJ"
    assert [d["agencies"] for d in rows["divisions"]] == ["JH-SLJ；JH-NYNC", "JH-SLJ；JH-ZRZY"]


def test_an_output_that_is_taken_is_refused(tmp_path: Path, capsys) -> None:
    taken = tmp_path / "draft"
    taken.write_text("a file, not a folder", encoding="utf-8")
    text = str(MANDATES / "jianghai-sthj.txt")
    assert main(["import", "mandate", text, "-o", str(taken), "--baseline", str(CITY)]) == 2
    assert "输出位置已被占用" in capsys.readouterr().err
    assert taken.read_text(encoding="utf-8") == "a file, not a folder"
    nested = tmp_path / "new" / "folder" / "draft.xlsx"
    assert main(["import", "mandate", text, "-o", str(nested), "--baseline", str(CITY)]) == 0
    assert nested.is_file()


def test_transfers_of_the_current_form(tmp_path: Path, city: object) -> None:
    """The item 职能转变 of a current-form text, clause by clause; a counterpart the baseline
    knows by its short name gets its id; the duties keep their numbers."""
    text = (MANDATES / "jianghai-sthj.txt").read_text(encoding="utf-8")
    moved = text.replace(
        "深化生态环境领域“放管服”改革。",
        "深化生态环境领域“放管服”改革。将机动车排放检验机构监管职责交给市市场监督管理局。"
        "加强生态环境监测职责。取消建设项目环境影响评价资质审批。",
    )
    assert moved != text
    path = tmp_path / "sthj.txt"
    path.write_text(moved, encoding="utf-8")
    before = build_draft([MANDATES / "jianghai-sthj.txt"], city)  # type: ignore[arg-type]
    result = build_draft([path], city)  # type: ignore[arg-type]
    rows = result.draft.rows
    assert [(t["id"], t["kind"], t["counterpart"], t["counterpart_id"], t["basis"])
            for t in rows["transfers"]] == [
        ("JH-STHJ-第三条（八）-1", "交给", "市市场监督管理局", "JH-SCJG", "三定规定第三条（八）"),
        ("JH-STHJ-第三条（八）-2", "取消", "", "", "三定规定第三条（八）"),
    ]  # fmt: skip
    assert [d["id"] for d in rows["duties"]] == [d["id"] for d in before.draft.rows["duties"]]
    assert "transfers" not in before.draft.rows

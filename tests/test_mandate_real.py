"""govkg import mandate on real published texts, as offices find them.

Each text in tests/data/mandates/real/ is the opening of a real page (its URL in the .toml
beside it, with the facts a person read in it): no title, a heading that is only the
agency's name, a last item after an empty line, traditional characters, half-width
punctuation, OCR line breaks, an item inline after its heading, and 部门预算/决算 pages that
restate the duties. Derived forms (all items on one line, lines broken as OCR breaks them)
are made here from the real texts. And with nothing loaded, or a government the baseline
lacks, the import still gives a draft and says the checks were skipped.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from govkg.loaders.mandate.baseline import Baseline, baseline_from_workbook
from govkg.loaders.mandate.importer import build_draft, read_mandate
from govkg.loaders.workbook import read_workbook

from govkg.cli import main

from .mandate_texts import CITY, MANDATES, check_heading, expected_of

REAL = MANDATES / "real"
TEXTS = sorted(REAL.glob("*.txt"))


def check(text: Path, expected: dict) -> None:
    mandate = read_mandate(text)
    check_heading(mandate, expected)
    assert [item.kind for item in mandate.items] == expected["items"]
    duties = mandate.duties
    assert len(duties) == len(expected["duty_starts"])
    for duty, start in zip(duties, expected["duty_starts"], strict=True):
        assert duty.text.startswith(start), (duty.text, start)
    if "last_item" in expected:
        assert mandate.items[-1].text == expected["last_item"]
    assert [unit.name for unit in mandate.units] == expected["units"]
    stated = [[t.transfer.kind, t.transfer.counterpart, t.basis] for t in mandate.transfers]
    assert stated == expected["transfers"]
    assert mandate.source_kind == expected.get("source_kind", "")


def test_every_form_is_covered() -> None:
    forms = {form for text in TEXTS for form in expected_of(text)["forms"]}
    for needed in (
        "no title: 设立X，为…",
        "heading is only the agency's name",
        "the last item after an empty line",
        "traditional characters",
        "half-width punctuation",
        "OCR line breaks inside sentences",
        "an item inline after its heading",
        "部门决算 page",
        "职责调整 with transfers",
    ):
        assert needed in forms, needed
    for text in TEXTS:
        assert expected_of(text)["source"].startswith("http"), text.name


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.name)
def test_a_real_text_states_what_a_person_read_in_it(text: Path) -> None:
    check(text, expected_of(text))


def test_items_inline_on_one_line(tmp_path: Path) -> None:
    """The whole list on one line, as some pages flatten it (derived from a real text)."""
    source = REAL / "jiangxi-fzyjzx-2001-inline.txt"
    head, _, body = source.read_text(encoding="utf-8").partition("一、主要职责")
    flat = tmp_path / "inline.txt"
    flat.write_text(head.rstrip("\n") + "一、主要职责" + body.replace("\n", ""), encoding="utf-8")
    assert "\n（二）" not in flat.read_text(encoding="utf-8")
    check(flat, expected_of(source))


@pytest.mark.parametrize("name", ["mee-2008-preamble.txt", "gov-office-1998.txt"])
def test_lines_broken_inside_sentences(tmp_path: Path, name: str) -> None:
    """Every long line broken every 17 characters, as an OCR text layer breaks it (the
    numbered markers at the starts of lines stay whole), and empty lines with spaces."""
    source = REAL / name
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        head, rest = line[:6], line[6:]
        lines.append(head + "".join(f"{rest[i : i + 17]}\n" for i in range(0, len(rest), 17)))
        lines.append(" \u3000 \n")
    broken = tmp_path / name
    broken.write_text("".join(lines), encoding="utf-8")
    check(broken, expected_of(source))


def test_a_budget_page_is_no_mandate_and_says_so(tmp_path: Path) -> None:
    text = REAL / "zhashui-audit-2020-final-accounts.txt"
    result = build_draft([text], Baseline(""), "611026")
    notes = {row[2]: row[3] for row in result.draft.side["notes"]}
    assert "并非三定规定本身" in notes["source"] and "not the 三定" in notes["source"]
    duties = result.draft.rows["duties"]
    assert [d["basis"] for d in duties] == [
        "部门决算主要职责1.",
        "部门决算主要职责2.",
        "部门决算主要职责3.",
    ]


def test_transfers_become_rows_apart_from_the_duties(tmp_path: Path, capsys) -> None:
    """The 职责调整 of 环境保护部 (2008): four transfers, none of them a duty; the duties
    keep their own numbers （一）（二）（三）."""
    out = tmp_path / "mee"
    assert main(["import", "mandate", str(REAL / "mee-2008-preamble.txt"), "-o", str(out)]) == 0
    draft = read_workbook(out)
    transfers = [dict(zip([c.name for c in t.table.columns], r, strict=True))
                 for t in [draft.tables["transfers"]] for _, r in t.rows]  # fmt: skip
    agency = draft.tables["agencies"].rows[0][1][0]
    assert [(t["id"], t["kind"], t["counterpart"], t["basis"]) for t in transfers] == [
        (f"{agency}-一（一）", "划入", "原国家环境保护总局", "一、职责调整（一）"),
        (f"{agency}-一（二）", "取消", "", "一、职责调整（二）"),
        (f"{agency}-一（三）", "交给", "地方环境保护行政主管部门", "一、职责调整（三）"),
        (f"{agency}-一（四）", "交给", "事业单位", "一、职责调整（四）"),
    ]
    assert all(t["agency"] == agency and t["counterpart_id"] == "" for t in transfers)
    duties = [r[1] for r in draft.tables["duties"].rows]
    assert [d[0].rsplit("-", 1)[1] for d in duties] == ["二（一）", "二（二）", "二（三）"]
    assert not any("划入" in d[2] or "交给" in d[2] for d in duties)
    # The draft goes into validate as it is.
    assert main(["validate", str(out), "--format", "json"]) in (0, 1)
    assert "职责划转 transfers 4" in capsys.readouterr().out


def test_nothing_loaded_gives_a_draft_and_says_the_checks_were_skipped(
    tmp_path: Path, capsys
) -> None:
    out = tmp_path / "draft"
    store = tmp_path / "no-store"
    text = REAL / "jiedong-gxkj-2019.txt"
    args = ["import", "mandate", str(text), "-o", str(out), "--store", str(store)]
    assert main(args) == 2  # a local text: its government is unknown
    error = capsys.readouterr().err
    assert "揭阳市揭东区" in error and "--government" in error
    assert not out.exists()
    assert main([*args, "--government", "445203"]) == 0
    printed = capsys.readouterr().out
    assert "没有基准" in printed and "no baseline" in printed
    assert "基准中没有政府 445203" in printed and "baseline checks skipped" in printed
    assert not store.exists()  # nothing loaded, nothing made
    with (out / "机构.csv").open(encoding="utf-8") as handle:
        (agency,) = list(csv.DictReader(handle))
    assert agency["机构名称"] == "揭阳市揭东区工业信息化和科技局"
    assert (agency["所属政府"], agency["层级"], agency["机构规格"]) == ("445203", "县", "正科级")
    assert agency["加挂牌子"] == "区商务局" and agency["机构类别"] == "政府组成部门"
    notes = (out / "导入说明.csv").read_text(encoding="utf-8")
    assert "基准对照" in notes and "baseline checks skipped" in notes
    # A national text needs no code at all.
    national = tmp_path / "national"
    text = REAL / "gov-office-2008-hant.txt"
    assert main(["import", "mandate", str(text), "-o", str(national), "--store", str(store)]) == 0
    assert ",100000,国家," in (national / "机构.csv").read_text(encoding="utf-8")


def test_a_government_the_baseline_lacks(tmp_path: Path, capsys) -> None:
    out = tmp_path / "draft.xlsx"
    text = REAL / "qiantang-zhzf-2021-final-accounts.txt"
    args = ["import", "mandate", str(text), "-o", str(out), "--baseline", str(CITY)]
    assert main([*args, "--government", "330114"]) == 0
    assert "基准中没有政府 330114" in capsys.readouterr().out
    (row,) = [r for _, r in read_workbook(out).tables["agencies"].rows]
    assert row[3:5] == ("330114", "县")


def test_the_place_a_text_names_gives_its_government(tmp_path: Path) -> None:
    """揭阳市揭东区 in the text, and a baseline whose agencies of 445203 are named so."""
    folder = tmp_path / "baseline"
    folder.mkdir()
    (folder / "agencies.csv").write_text(
        "id,name,kind,government,level\n"
        "JD-ZFB,揭阳市揭东区人民政府办公室,办事机构,445203,县\n"
        "JY-ZFB,揭阳市人民政府办公室,办事机构,445200,市\n",
        encoding="utf-8",
    )
    baseline = baseline_from_workbook(folder)
    result = build_draft([REAL / "jiedong-gxkj-2019.txt"], baseline)
    (agency,) = result.draft.rows["agencies"]
    assert agency["government"] == "445203"
    assert result.draft.unchecked == {}  # the baseline has that government: checked
    # Agencies named without the city above them (揭东区…) are of the same place.
    (folder / "agencies.csv").write_text(
        "id,name,kind,government,level\nJD-ZFB,揭东区人民政府办公室,办事机构,445203,县\n",
        encoding="utf-8",
    )
    result = build_draft([REAL / "jiedong-gxkj-2019.txt"], baseline_from_workbook(folder))
    assert result.draft.rows["agencies"][0]["government"] == "445203"
    # A place the baseline has no government for is not guessed.
    with pytest.raises(Exception, match="--government"):
        build_draft([REAL / "zhanjiang-xzfw-2021-final-accounts.txt"], baseline)

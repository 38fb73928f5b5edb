"""govkg import mandate: what is read in a 三定 text, in each of its forms (text, web page,
Word, PDF), matches the facts a person read in it (the .toml beside each text).
"""

from __future__ import annotations

import doctest
import importlib
import zipfile
from pathlib import Path

import pytest
from govkg.loaders.mandate.importer import read_mandate

from .mandate_texts import MANDATES, TEXTS, check_heading, expected_of


def write_docx(path: Path, text: str) -> Path:
    """A minimal Word document: each line a paragraph, split into runs as Word does."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    paragraphs = []
    for line in text.splitlines():
        runs = "".join(
            f'<w:r><w:t xml:space="preserve">{line[i : i + 7]}</w:t></w:r>'
            for i in range(0, len(line), 7)
        )
        paragraphs.append(f"<w:p>{runs}</w:p>")
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{ns}">'
        f"<w:body>{''.join(paragraphs)}</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return path


def check_facts(text: Path, expected: dict, shown_as: Path | None = None) -> None:
    mandate = read_mandate(shown_as or text)
    check_heading(mandate, expected)
    assert mandate.staffing == expected["staffing"]
    assert mandate.leadership == expected["leadership"]
    assert len(mandate.duties) == expected["duties"]
    assert [item.kind for item in mandate.items] == expected["items"]
    assert [unit.name for unit in mandate.units] == expected["units"]
    assert [u.staffing for u in mandate.units if u.staffing is not None] == expected[
        "unit_staffing"
    ]
    assert [list(d.names) for d in mandate.divisions] == expected["divisions"]
    assert [d.basis for d in mandate.divisions] == expected["division_basis"]


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.name)
def test_the_text_states_what_a_person_read_in_it(text: Path) -> None:
    check_facts(text, expected_of(text))


def test_docx_and_pdf_copies_read_as_the_text(tmp_path: Path) -> None:
    source = MANDATES / "jianghai-sthj.txt"
    expected = expected_of(source)
    docx = write_docx(tmp_path / "sthj.docx", source.read_text(encoding="utf-8"))
    check_facts(source, expected, shown_as=docx)
    # The PDF was printed from the same text by Chromium (see tests/data/mandates/README.md).
    check_facts(source, expected, shown_as=MANDATES / "jianghai-sthj.pdf")


@pytest.mark.parametrize(
    "module",
    [
        "reading",
        "normalising",
        "numerals",
        "parsing",
        "matching",
        "data_duties",
        "drafting",
        "linking",
        "carrying",
        "openings",
        "budget",
        "transfers",
    ],
)
def test_module_examples(module: str) -> None:
    found = importlib.import_module(f"govkg.loaders.mandate.{module}")
    failures, tried = doctest.testmod(found)
    assert failures == 0 and tried > 0


@pytest.mark.parametrize(
    ("duty", "kinds"),
    [
        ("负责拟订全市工业和信息化发展规划，推进信息化和工业化融合。", []),
        ("推动大数据产业发展，培育软件和信息服务业。", []),
        ("负责电子政务外网的建设和管理。", []),
        ("负责政务信息资源的汇集和共享，组织编制政务信息资源目录。", ["汇聚", "管理", "共享"]),
        ("负责采集和管理全市人口基础数据，依法开放人口数据。", ["采集", "管理", "开放"]),
        ("负责网络和数据安全工作。", ["安全"]),
    ],
)
def test_data_duties_and_sector_names(duty: str, kinds: list[str]) -> None:
    from govkg.loaders.mandate.data_duties import data_duty_kinds

    assert data_duty_kinds(duty) == kinds

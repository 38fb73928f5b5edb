"""Reading a 三定 file to plain text: .txt, .html/.htm, .docx, .pdf (with a text layer)."""

from __future__ import annotations

import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from govkg.loaders.archives import check_docx

from govkg.errors import InputError, Problem

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")
_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Elements after which an HTML page starts a new line (paragraphs, rows, breaks).
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "title",
        "pre",
    ]
)


def decode(data: bytes) -> str:
    """Bytes as text: UTF-8 (with or without BOM), else GB18030 (older Chinese pages).

    >>> decode("主要职责".encode("gb18030"))
    '主要职责'
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", data, 0, 1, "neither UTF-8 nor GB18030")


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML page, one block per line.

    >>> html_text("<p>第一条</p><script>x()</script><p>第二条</p>").split()
    ['第一条', '第二条']
    """
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def docx_text(path: Path) -> str:
    """The paragraphs of a .docx (a zip of XML: word/document.xml), one per line; its
    sizes checked before it is unpacked (loaders/archives.py)."""
    check_docx(path)
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    lines = []
    for paragraph in root.iter(f"{_WORD}p"):
        pieces = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{_WORD}tab":
                pieces.append("\t")
            elif node.tag in (f"{_WORD}br", f"{_WORD}cr"):
                pieces.append("\n")
        lines.append("".join(pieces))
    return "\n".join(lines)


def read_text(path: Path) -> str:
    """The text of one 三定 file; InputError (with the file) when it cannot be read."""
    file = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(Problem(file, "文件不存在", "file does not exist"))
    if suffix not in SUFFIXES:
        raise InputError(
            Problem(
                file,
                f"不支持的文件类型「{suffix or '无后缀'}」：请用 .docx、.txt、.html 或 .pdf",
                f"unsupported file type '{suffix or 'none'}': use .docx, .txt, .html or .pdf",
            )
        )
    try:
        if suffix == ".docx":
            return docx_text(path)
        if suffix == ".pdf":
            from govkg.loaders.mandate.pdf_text import pdf_pages

            return "\n".join(pdf_pages(path))
        text = decode(path.read_bytes())
        return html_text(text) if suffix in (".html", ".htm") else text
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise InputError(
            Problem(file, f"无法读取 .docx 文件：{error}", f"cannot read the .docx file: {error}")
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            Problem(
                file,
                "文本编码无法识别（应为 UTF-8 或 GB18030）",
                "unknown text encoding (expected UTF-8 or GB18030)",
            )
        ) from None
    except ValueError as error:
        raise InputError(
            Problem(file, f"无法读取 PDF 文件：{error}", f"cannot read the PDF file: {error}")
        ) from None

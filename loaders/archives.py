"""Archives (.xlsx, .docx: zip files of XML) checked before anything unpacks them.

A zip states each member's packed and unpacked size in its directory, so a bomb is seen
without unpacking it: the whole unpacked size and each member's ratio are checked
against the settings first. An .xlsx sheet is then read as a stream (never held whole)
for the cell references it uses: the reader (calamine) allocates the rectangle from A1
to the farthest cell, so one cell at XFD1048576 in a 78 KB file asks for 549 GB. Its
rows, columns and cells (rows × columns) are checked against the settings, each limit
named in the refusal with its setting (docs/security.md).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from govkg.errors import InputError, Problem

MAX_MEMBERS = 10_000
SMALL_MEMBER = 1024 * 1024  # ratios of members smaller than this are not checked
# r="XFD1048576" of a cell and r="7" of a row, wherever the attribute stands in its
# element; ref="A1:XFD1048576" of the sheet's dimension (at its start)
_REFERENCE = re.compile(rb'[ \t\r\n]r="([A-Z]{0,3})([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?ref="([A-Z0-9:]+)"')
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class ArchiveLimits:
    """What an archive may hold; the shell sets them from its settings
    (``Settings.archive_limits``, GOVKG_UNPACKED_MAX_BYTES …) through :func:`use_limits`."""

    unpacked_max_bytes: int = 2 * 1024**3  # of an .xlsx/.docx once unpacked
    zip_max_ratio: int = 100  # unpacked / packed size of one archive member
    sheet_max_rows: int = 1_048_576  # Excel's own limit
    sheet_max_columns: int = 256
    sheet_max_cells: int = 30_000_000  # rows x columns of a sheet's used range
    docx_max_bytes: int = 64 * 1024 * 1024  # word/document.xml of a 三定 .docx, unpacked


# the limits in force: the defaults until the command line or the server sets its own
_in_force = [ArchiveLimits()]


def use_limits(limits: ArchiveLimits) -> None:
    """Make ``limits`` the ones every later check uses (and forked children inherit)."""
    _in_force[0] = limits


def limits_in_force() -> ArchiveLimits:
    """The limits :func:`use_limits` set last (a spawned worker is handed them)."""
    return _in_force[0]


def _limits(limits: ArchiveLimits | None) -> ArchiveLimits:
    return limits if limits is not None else _in_force[0]


def column_number(letters: str) -> int:
    """The number of a column's letters.

    >>> column_number("A"), column_number("XFD")
    (1, 16384)
    """
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _open(path: Path, suffix: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(
            Problem(
                str(path),
                f"无法读取 {suffix} 文件：{error}",
                f"cannot read the {suffix} file: {error}",
            )
        ) from None


def _check_sizes(path: Path, archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """The whole unpacked size and each member's ratio, from the zip's directory."""
    file = str(path)
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputError(
            Problem(
                file,
                f"压缩包中的文件过多（{len(members):,} 个，上限 {MAX_MEMBERS:,}）",
                f"too many files in the archive ({len(members):,}, limit {MAX_MEMBERS:,})",
                limit="MAX_MEMBERS",
            )
        )
    total = sum(m.file_size for m in members)
    if total > limits.unpacked_max_bytes:
        raise InputError(
            Problem(
                file,
                f"解压后 {total:,} 字节，超过上限 {limits.unpacked_max_bytes:,}"
                "（GOVKG_UNPACKED_MAX_BYTES）",
                f"{total:,} bytes once unpacked, over the limit of "
                f"{limits.unpacked_max_bytes:,} (GOVKG_UNPACKED_MAX_BYTES)",
                limit="GOVKG_UNPACKED_MAX_BYTES",
            )
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > SMALL_MEMBER and ratio > limits.zip_max_ratio:
            raise InputError(
                Problem(
                    file,
                    f"「{member.filename}」的压缩比 {ratio:,.0f} 超过上限 "
                    f"{limits.zip_max_ratio}（GOVKG_ZIP_MAX_RATIO），疑为压缩炸弹",
                    f"'{member.filename}' is packed {ratio:,.0f} to 1, over the limit of "
                    f"{limits.zip_max_ratio} (GOVKG_ZIP_MAX_RATIO): a zip bomb?",
                    limit="GOVKG_ZIP_MAX_RATIO",
                )
            )


def _sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its member (xl/worksheets/…xml), from the workbook's own lists."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_DOC_REL), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[sheet.get("name", member)] = member
    return out


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The unpacked member in blocks, each beginning with the end of the last (so that
    a reference cut in two by a block's end is whole in the next)."""
    tail = b""
    with archive.open(member) as stream:
        while block := stream.read(1 << 20):
            yield tail + block
            tail = block[-64:]


def _extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """(last row, last column) a sheet declares or uses (~0.6 s per 50 MB of XML)."""
    rows = columns = 0
    for index, chunk in enumerate(_chunks(archive, member)):
        found = set(_REFERENCE.findall(chunk))
        if index == 0 and (dimension := _DIMENSION.search(chunk)):
            corners = dimension[1].split(b":")
            found |= {re.match(rb"([A-Z]*)([0-9]*)", c).groups() for c in corners}  # type: ignore[union-attr]
        letters = {letter for letter, _ in found if letter}
        numbers = {number for _, number in found if number}
        if letters:
            columns = max(columns, *(column_number(x.decode()) for x in letters))
        if numbers:
            rows = max(rows, *map(int, numbers))
    return rows, columns


def check_xlsx(path: Path, limits: ArchiveLimits | None = None) -> None:
    """Refuse (InputError naming the file, the sheet and the limit) an .xlsx over a
    limit of the settings, before the reader opens it."""
    limits = _limits(limits)
    file = str(path)
    with _open(path, ".xlsx") as archive:
        _check_sizes(path, archive, limits)
        for sheet, member in _sheet_files(archive).items():
            try:
                rows, columns = _extent(archive, member)
            except KeyError:
                continue  # a sheet the reader cannot find either: it says so
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise InputError(
                    Problem(file, f"无法解压：{error}", f"cannot unpack: {error}", table=sheet)
                ) from None
            for count, limit, zh, en, name in (
                (rows, limits.sheet_max_rows, "行", "rows", "GOVKG_SHEET_MAX_ROWS"),
                (columns, limits.sheet_max_columns, "列", "columns", "GOVKG_SHEET_MAX_COLUMNS"),
                (
                    rows * columns,
                    limits.sheet_max_cells,
                    "个单元格（行×列）",
                    "cells (rows × columns)",
                    "GOVKG_SHEET_MAX_CELLS",
                ),
            ):
                if count > limit:
                    raise InputError(
                        Problem(
                            file,
                            f"工作表用到 {count:,} {zh}，超过上限 {limit:,}（{name}）",
                            f"the sheet uses {count:,} {en}, over the limit of {limit:,} ({name})",
                            table=sheet,
                            limit=name,
                        )
                    )


def check_docx(path: Path, limits: ArchiveLimits | None = None) -> None:
    """Refuse a .docx over the limits before its text is unpacked: sizes and ratios as
    for any archive, and word/document.xml at most ``docx_max_bytes`` unpacked."""
    limits = _limits(limits)
    with _open(path, ".docx") as archive:
        _check_sizes(path, archive, limits)
        try:
            size = archive.getinfo("word/document.xml").file_size
        except KeyError:
            return  # the reader says it is missing
        if size > limits.docx_max_bytes:
            raise InputError(
                Problem(
                    str(path),
                    f"word/document.xml 解压后 {size:,} 字节，超过上限 "
                    f"{limits.docx_max_bytes:,}（GOVKG_DOCX_MAX_BYTES）",
                    f"word/document.xml is {size:,} bytes once unpacked, over the limit of "
                    f"{limits.docx_max_bytes:,} (GOVKG_DOCX_MAX_BYTES)",
                    limit="GOVKG_DOCX_MAX_BYTES",
                )
            )

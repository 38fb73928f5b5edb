"""RDF files as sources: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML."""

from __future__ import annotations

from pathlib import Path

from govkg.errors import InputError, Problem
from govkg.store import oxigraph as oxi

SUFFIXES = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdf",
    ".owl": "rdf",
}


def rdf_format_of(path: Path) -> str | None:
    """The RDF format a file's suffix names, or None when it is not an RDF file.

    >>> rdf_format_of(Path("data.TTL")), rdf_format_of(Path("city.xlsx"))
    ('ttl', None)
    """
    return SUFFIXES.get(path.suffix.lower())


def read_rdf_file(path: Path) -> tuple[str, bytes]:
    """(format, content) of an RDF file whose syntax has been checked in full.

    A syntax error becomes an InputError naming the file, line and column.
    """
    fmt = rdf_format_of(path)
    if fmt is None:
        raise InputError(Problem(str(path), "不认识的 RDF 文件类型", "unknown RDF file type"))
    content = path.read_bytes()
    try:
        for _ in oxi.parse(content, format=fmt, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as error:
        raise InputError(
            Problem(
                str(path),
                f"RDF 语法错误：{error.msg}",
                f"RDF syntax error: {error.msg}",
                line=error.lineno,
                char=error.offset,
            )
        ) from None
    except (ValueError, OSError) as error:
        raise InputError(
            Problem(str(path), f"无法读取：{error}", f"cannot read: {error}")
        ) from None
    return fmt, content

"""What a draft check needs of a generation, in its sidecar (govkg/store/sidecar.py).

A draft checked against a province's store read its baseline from RocksDB: the stored
findings (~10M quads: minutes) and, row by row, the merged sub-graph (~95 µs a triple).
The sidecar keeps, per generation, in one SQLite file:

- ``rows``: each subject's N-Triples lines (every named graph but the findings graph,
  ``gk:sourceRow`` left out), as ``row_lines`` reads them from the store;
- ``links``: (predicate, object, subject) of the links the draft's scope follows
  (draft_graph.py), and which subjects are agencies' governments and functions;
- ``findings``: the generation's findings in report order, each with its report text
  (status unchanged, as the JSON report writes it), its agencies and governments;
  ``text_governments`` the governments of R16's, whose findings are in scope by
  government.

So a check reads the rows its scope reaches and the findings in scope by key, and the
report streams the unchanged findings' texts straight out. Written by the load after the
switch (govkg/loading.py), else by the first check that finds it missing or stale.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from govkg.ontology.namespaces import GK, RDF, SKOS
from govkg.shapes.findings import SEVERITIES, Finding, sort_key
from govkg.shapes.findings_rdf import findings_graph, rules_digest
from govkg.shapes.findings_scope import Scope, finding_scopes
from govkg.shapes.findings_store import compute_findings, stored_scoped_findings
from govkg.shapes.text_rules import TEXT_RULES
from govkg.store import oxigraph as oxi
from govkg.store.sidecar import Sidecar, open_sidecar, sidecar_path, write_sidecar
from govkg.validating.draft_rows import (
    BASE_CODE,
    COUNTERPART,
    HELD_BY,
    IMPLEMENTED_BY,
    INVOLVES,
    ON_DATASET,
    SOURCE,
    STATED_BY,
    UNIT_OF,
    Agencies,
    Lines,
    table_of,
)
from govkg.validating.report import report_text

FORMAT = "1"  # of the tables: a sidecar of another format is stale
_SOURCE_ROW = f"<{GK}sourceRow>"
_GOVERNMENT, _UP = f"{GK}government", (f"{GK}administeredBy", f"{GK}hostedIn")
LINKS = (UNIT_OF, HELD_BY, ON_DATASET, IMPLEMENTED_BY, BASE_CODE, INVOLVES, SOURCE,
         STATED_BY, COUNTERPART, f"{SKOS}broader", _GOVERNMENT, *_UP)  # fmt: skip
_CODE = {f"<{p}>": code for code, p in enumerate(LINKS)}
FUNCTION = len(LINKS)  # the code of (subject, rdf:type, gk:Function)
_TYPE, _FUNCTION = f"<{RDF}type>", f"<{GK}Function>"
_SCHEMA = """
CREATE TABLE rows (subject TEXT, lines BLOB);
CREATE TABLE links (code INTEGER, object TEXT, subject TEXT,
                    PRIMARY KEY (code, object, subject)) WITHOUT ROWID;
CREATE TABLE findings (position INTEGER PRIMARY KEY, rule TEXT, severity TEXT, focus TEXT,
                       related TEXT, report TEXT, agencies TEXT, governments TEXT);
CREATE TABLE text_governments (government TEXT, position INTEGER,
                               PRIMARY KEY (government, position)) WITHOUT ROWID;
"""


def sidecar_key(generation: str, base_iri: str) -> dict[str, str]:
    """What a sidecar's content depends on: stale when any differs."""
    return {"format": FORMAT, "generation": generation, "base_iri": base_iri,
            "rules": rules_digest()}  # fmt: skip


def _object(term: str) -> str:
    """An N-Triples object as ``StoreRows.subjects`` gives it: an IRI without brackets, a
    literal's text in quotes."""
    if term.startswith("<"):
        return term[1:-1]
    end = term.rindex('"')
    text = term[1:end]
    if "\\" in text:
        text = json.loads(term[: end + 1])
    return f'"{text}"'


def _rows_and_links(data: Any, scratch: Path, base_iri: str) -> Iterator[tuple[str, str]]:
    """(subject, line) of every named graph but the findings graph, a graph at a time
    (a dump keeps a subject's lines together)."""
    skip = findings_graph(base_iri)
    for graph in oxi.named_graphs(data):
        if graph == skip:
            continue
        try:
            with scratch.open("wb") as out:
                oxi.dump(data, out, format="nt", graph=graph)
            with scratch.open(encoding="utf-8") as lines:
                for line in lines:
                    if line.startswith("<"):
                        end = line.index("> ")
                        yield line[1:end], line[:-1]
        finally:
            scratch.unlink(missing_ok=True)


def build_sidecar(
    data: Any,
    store: Path,
    generation: str,
    base_iri: str,
    book: Any,
    *,
    scoped: list[tuple[Finding, Scope]] | None = None,
    keep: Iterable[str] = (),
) -> None:
    """Write the sidecar of ``generation`` (``data``, read-only) of the store at ``store``;
    ``scoped``: its findings with their agencies and governments when known (a load has
    them), else read from the store or validated."""
    if scoped is None:
        scoped = stored_scoped_findings(data, base_iri)
    if scoped is None:
        found, copy = compute_findings(data, book, base_iri)
        scoped = list(zip(found, finding_scopes(copy, found), strict=True))
    path = sidecar_path(store, generation)
    with write_sidecar(path, keep=keep) as out:
        out.execute("PRAGMA cache_size = -262144")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                out.execute(statement)
        dump = path.with_name(f"{generation}.dump.{os.getpid()}.tmp")
        _write_rows(out, _rows_and_links(data, dump, base_iri))
        _write_findings(out, scoped)
        out.meta.update(sidecar_key(generation, base_iri))


def _write_rows(out: Any, lines: Iterable[tuple[str, str]]) -> None:
    """A row per run of a subject's lines (a subject in several graphs has several),
    compressed (a province's rows are ~15M lines); then the links, and the indexes."""
    links: list[tuple[int, str, str]] = []
    runs: list[tuple[str, str]] = []
    packer: _Packer | None = None

    def flush() -> None:
        nonlocal packer
        if packer is None:  # the first runs make the dictionary of every row's compression
            packer = _Packer.sampled([text for _, text in runs])
            out.execute("CREATE TABLE dictionary (data BLOB)")
            out.execute("INSERT INTO dictionary VALUES (?)", (packer.zdict,))
        out.executemany("INSERT INTO rows VALUES (?, ?)",
                        ((s, packer.pack(text)) for s, text in runs))  # fmt: skip
        runs.clear()
        out.executemany("INSERT OR IGNORE INTO links VALUES (?, ?, ?)", links)
        links.clear()

    subject = ""
    run: list[str] = []
    for s, line in lines:
        rest = line[len(s) + 3 :]
        predicate, _, term = rest.partition(" ")
        if predicate == _SOURCE_ROW:
            continue
        if s != subject:
            if run:
                runs.append((subject, "\n".join(run)))
                if len(runs) >= 20_000:
                    flush()
            subject, run = s, []
        run.append(rest)
        code = _CODE.get(predicate)
        if code is not None:
            links.append((code, _object(term[:-2]), s))
        elif predicate == _TYPE and term[:-2] == _FUNCTION:
            links.append((FUNCTION, "", s))
    if run:
        runs.append((subject, "\n".join(run)))
    flush()
    out.execute("CREATE INDEX rows_subject ON rows (subject)")


# raw deflate, an 8 kB window and dictionary: ~86 bytes a row of ~850, 4 µs to unpack
# (a 32 kB dictionary packs to 69 bytes but takes 50 µs: zlib sets the window up each time)
_WINDOW_BITS = 13
_WINDOW = 1 << _WINDOW_BITS


class _Packer:
    """A row's lines (each without its subject) compressed with a dictionary of what
    rows share (predicates, namespaces): a row is ~1 kB, too little for zlib alone."""

    def __init__(self, zdict: bytes) -> None:
        self.zdict = zdict

    @classmethod
    def sampled(cls, texts: list[str]) -> _Packer:
        sample, size = [], 0
        for text in texts[:: max(1, len(texts) // 200)]:
            sample.append(text.encode())
            size += len(sample[-1])
            if size > 32_000:
                break
        return cls(b"\n".join(sample)[-_WINDOW:])

    def pack(self, text: str) -> bytes:
        packer = zlib.compressobj(6, zlib.DEFLATED, -_WINDOW_BITS, zdict=self.zdict)
        return packer.compress(text.encode()) + packer.flush()

    def unpack(self, subject: str, data: bytes) -> list[str]:
        unpacker = zlib.decompressobj(-_WINDOW_BITS, zdict=self.zdict)
        text = unpacker.decompress(data).decode()
        return [f"<{subject}> {line}" for line in text.split("\n")]


def _write_findings(out: Any, scoped: list[tuple[Finding, Scope]]) -> None:
    ordered = sorted(scoped, key=lambda pair: sort_key(pair[0]))
    counts = dict.fromkeys(SEVERITIES, 0)
    rows: list[tuple[Any, ...]] = []
    texts: list[tuple[str, int]] = []
    for position, (f, (agencies, governments)) in enumerate(ordered):
        unchanged = Finding(f.rule, f.severity, f.focus, f.related, f.message, "unchanged",
                            f.score, f.evidence)  # fmt: skip
        text = report_text(unchanged)
        related, involved = json.dumps(f.related), json.dumps(agencies)
        rows.append((position, f.rule, f.severity, f.focus, related, text, involved,
                     json.dumps(governments)))  # fmt: skip
        if f.severity in counts:
            counts[f.severity] += 1
        if f.rule in TEXT_RULES:
            texts.extend((g, position) for g in governments)
    out.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    out.executemany("INSERT OR IGNORE INTO text_governments VALUES (?, ?)", texts)
    out.meta["counts"] = json.dumps(counts)
    out.meta["findings"] = str(len(ordered))


def open_draft_sidecar(store: Path, generation: str, base_iri: str) -> Sidecar | None:
    """The current sidecar of ``generation``, or None."""
    return open_sidecar(sidecar_path(store, generation), sidecar_key(generation, base_iri))


def finding_entries(sidecar: Sidecar) -> list[dict[str, Any]]:
    """Every finding as the server lists it (``as_dict``, its agencies, its governments),
    in report order, read from the report texts without making findings of them."""
    out = []
    rows = sidecar.rows("SELECT report, agencies, governments FROM findings ORDER BY position")
    for report, agencies, governments in rows:
        finding = json.loads(report)
        del finding["status"]
        out.append({"finding": finding, "agencies": json.loads(agencies),
                    "governments": json.loads(governments)})  # fmt: skip
    return out


def finding_of(report: str) -> Finding:
    """The finding of a report text (its status left out)."""
    return Finding.from_dict(json.loads(report))


class SidecarRows:
    """The questions the draft's scope asks of the baseline (draft_rows.StoreRows'),
    answered from the sidecar."""

    def __init__(self, sidecar: Sidecar) -> None:
        self.sidecar = sidecar
        rows = sidecar.rows("SELECT data FROM dictionary")
        self.packer = _Packer(next(rows, (b"",))[0])

    def subjects(self, predicate: str, values: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        sql = "SELECT subject, object FROM links WHERE code = ? AND object IN ({})"
        for subject, value in self.sidecar.rows_in(sql, values, (_CODE[f"<{predicate}>"],)):
            out.setdefault(subject, []).append(value)
        return out

    def agencies(self) -> Agencies:
        out: Agencies = {}
        code = _CODE[f"<{_GOVERNMENT}>"]
        for agency, gov in self.sidecar.rows("SELECT subject, object FROM links WHERE code = ?",
                                             (code,)):  # fmt: skip
            out[agency] = (gov, [])
        ups = tuple(_CODE[f"<{p}>"] for p in _UP)
        for agency, up in self.sidecar.rows(
            "SELECT subject, object FROM links WHERE code IN (?, ?)", ups
        ):
            if agency in out:
                out[agency][1].append(up)
        return out

    def functions(self) -> set[str]:
        rows = self.sidecar.rows("SELECT subject FROM links WHERE code = ?", (FUNCTION,))
        return {s for (s,) in rows}

    def rows(self, iris: Iterable[str]) -> dict[str, Lines]:
        """As draft_rows.row_lines: an agency's lines with its chief data officer's."""
        wanted = set(iris)
        extra = {f"{i}/cdo": i for i in wanted if table_of(i) == "agencies"}
        found: dict[str, set[str]] = {}
        sql = "SELECT subject, lines FROM rows WHERE subject IN ({})"
        for subject, lines in self.sidecar.rows_in(sql, wanted | extra.keys()):
            unpacked = self.packer.unpack(subject, lines)
            found.setdefault(extra.get(subject, subject), set()).update(unpacked)
        return {iri: frozenset(lines) for iri, lines in found.items() if iri in wanted}

    def unit_agencies(self, units: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        sql = "SELECT subject, object FROM links WHERE code = ? AND subject IN ({})"
        for unit, agency in self.sidecar.rows_in(sql, units, (_CODE[f"<{UNIT_OF}>"],)):
            out[unit] = agency
        return out


def generations(store: Path) -> list[str]:
    """The store's generations (the live one, the one before): their sidecars stay."""
    return [p.name for p in store.glob("gen-*")]


def write_after_switch(store: Path, hook: Any, base_iri: str) -> bool:
    """The sidecar of the generation a write just switched to, from what the write's
    findings hook (shapes/findings_store.FindingsWriter) computed; False when it could
    not be written (the generation stands: a reader writes it when it finds it missing)."""
    from govkg.store import GraphStore

    written, hook.written = hook.written, None
    if written is None:
        return False
    generation, data = GraphStore(store).open_generation()
    if generation is None:
        return False
    scoped = list(zip(written.findings, written.scopes, strict=True))
    del written
    try:
        build_sidecar(
            data, store, generation, base_iri, hook.book, scoped=scoped, keep=generations(store)
        )
    except OSError:
        return False
    return True

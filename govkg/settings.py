"""The one settings object: environment variables and CLI options flow into it, and from
it into everything else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from govkg.errors import InputError, Problem
from govkg.loaders.archives import ArchiveLimits
from govkg.ontology.namespaces import DEFAULT_BASE_IRI


def default_store_path(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/govkg/store``, or ``~/.local/share/govkg/store``."""
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "govkg" / "store"


FALSE_WORDS = frozenset({"0", "false", "no", "off", "否"})


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Environment variables are ``GOVKG_<FIELD>``.

    >>> Settings.from_env({"GOVKG_STORE": "/tmp/s", "GOVKG_PORT": "9000"}).port
    9000
    >>> Settings.from_env({}, store="/x").store
    PosixPath('/x')
    >>> Settings.from_env({"GOVKG_FINDINGS_ON_LOAD": "0"}).findings_on_load
    False
    >>> Settings.from_env({"GOVKG_NEO4J_ROWS_ON_LOAD": "no"}).neo4j_rows_on_load
    False
    >>> Settings.from_env({"GOVKG_SPARQL_ENDPOINTS": "http://a/q, http://b/"}).sparql_endpoints
    ('http://a/q', 'http://b/')
    """

    store: Path
    base_iri: str = DEFAULT_BASE_IRI
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None  # bearer token for /update and /load
    query_timeout: float = 30.0  # seconds
    row_limit: int = 10_000
    max_body_bytes: int = 50 * 1024 * 1024
    findings_cache: Path | None = None  # a folder keeping baseline findings for drafts
    draft_reports: Path | None = None  # the /ui/draft reports awaiting download
    neo4j_uri: str | None = None  # bolt:// or neo4j:// (docs/neo4j.md)
    neo4j_user: str = "neo4j"
    neo4j_database: str | None = None
    neo4j_batch: int = 1000  # rows per UNWIND batch
    neo4j_connections: int | None = None  # writing on FalkorDB: 1 or 2 (None: 1)
    findings_on_load: bool = True  # store the findings of the rules with every write
    neo4j_rows_on_load: bool = True  # prepare what `neo4j push` sends with every load
    # --- safety limits (docs/security.md) ---
    sparql_endpoints: tuple[str, ...] = ()  # SERVICE / LOAD IRIs allowed; none by default
    query_max_length: int = 100_000  # characters of a SPARQL query or update
    query_max_depth: int = 64  # nested brackets { ( [
    result_max_bytes: int = 32 * 1024 * 1024  # of a /sparql answer, as well as row_limit
    queries_per_client: int = 1  # SPARQL queries one client address may run at once
    queue_wait: float = 2.0  # seconds a query waits for a free worker before a 503
    # what an uploaded .xlsx / .docx may hold (loaders/archives.py says what each means)
    unpacked_max_bytes: int = ArchiveLimits.unpacked_max_bytes
    zip_max_ratio: int = ArchiveLimits.zip_max_ratio
    sheet_max_rows: int = ArchiveLimits.sheet_max_rows
    sheet_max_columns: int = ArchiveLimits.sheet_max_columns
    sheet_max_cells: int = ArchiveLimits.sheet_max_cells
    docx_max_bytes: int = ArchiveLimits.docx_max_bytes
    allowed_hosts: tuple[str, ...] = ()  # Host headers accepted when bound beyond loopback
    forwarded_allow_ips: str | None = None  # proxies whose X-Forwarded-For is trusted

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: object) -> Settings:
        """Settings from the environment, overridden by options that are not None."""
        env = os.environ if env is None else env
        values: dict[str, object] = {"store": default_store_path(env)}
        for field in fields(cls):
            raw = env.get(f"GOVKG_{field.name.upper()}")
            if raw:
                values[field.name] = raw
        values.update({k: v for k, v in options.items() if v is not None})
        return cls(**_coerce(values))

    def archive_limits(self) -> ArchiveLimits:
        """The limits of uploaded archives, for :func:`govkg.loaders.archives.use_limits`."""
        return ArchiveLimits(
            unpacked_max_bytes=self.unpacked_max_bytes,
            zip_max_ratio=self.zip_max_ratio,
            sheet_max_rows=self.sheet_max_rows,
            sheet_max_columns=self.sheet_max_columns,
            sheet_max_cells=self.sheet_max_cells,
            docx_max_bytes=self.docx_max_bytes,
        )

    def draft_reports_folder(self) -> Path:
        """Where the /ui/draft page keeps its reports until downloaded (api/draft_reports.py):
        ``draft_reports``, else beside the store's generations."""
        return self.draft_reports or self.store / "draft-reports"

    def with_options(self, **options: object) -> Settings:
        return replace(self, **_coerce({k: v for k, v in options.items() if v is not None}))


def _coerce(values: dict[str, object]) -> dict[str, Any]:
    types = {
        "store": Path,
        "findings_cache": Path,
        "draft_reports": Path,
        "port": int,
        "query_timeout": float,
        "row_limit": int,
        "max_body_bytes": int,
        "neo4j_batch": int,
        "neo4j_connections": int,
        "query_max_length": int,
        "query_max_depth": int,
        "result_max_bytes": int,
        "queries_per_client": int,
        "queue_wait": float,
        "unpacked_max_bytes": int,
        "zip_max_ratio": int,
        "sheet_max_rows": int,
        "sheet_max_columns": int,
        "sheet_max_cells": int,
        "docx_max_bytes": int,
    }
    out: dict[str, Any] = dict(values)
    for name, kind in types.items():
        if name in out and not isinstance(out[name], kind):
            try:
                out[name] = kind(out[name])
            except ValueError:
                zh, en = ("整数", "a whole number") if kind is int else ("数字", "a number")
                raise InputError(
                    Problem(
                        f"GOVKG_{name.upper()}",
                        f"须为{zh}，现为「{out[name]}」",
                        f"must be {en}, not '{out[name]}'",
                    )
                ) from None
    for name in ("findings_on_load", "neo4j_rows_on_load"):
        if name in out and not isinstance(out[name], bool):
            out[name] = str(out[name]).strip().lower() not in FALSE_WORDS
    for name in ("sparql_endpoints", "allowed_hosts"):
        if isinstance(out.get(name), str):  # a list in one variable: spaces or commas
            out[name] = tuple(out[name].replace(",", " ").split())
    if "base_iri" in out and not str(out["base_iri"]).endswith(("/", "#")):
        out["base_iri"] = f"{out['base_iri']}/"
    return out

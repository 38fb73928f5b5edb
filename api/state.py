"""What the app keeps while it runs: the settings, the worker pools, and per store
generation a read-only reader and its caches.

A load switches the store's ``current`` symlink to a new generation. Every request reads
the symlink (one readlink) and, when it changed, opens the new generation read-only and
starts new caches; a request keeps the snapshot it started with, so no reader ever sees
a half-loaded source. Findings are computed with the project's validator in a worker
process, once per generation, and shared by every request that needs them.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from govkg.api import queries
from govkg.api.workers import Pool, Task
from govkg.shapes.findings import rule_order

from govkg.settings import Settings
from govkg.store import oxigraph as oxi

PAYLOAD_CACHE = 4096  # agency and other detail payloads kept per generation


@dataclass
class Findings:
    """The findings of a generation, with what each concerns, and the rules' names."""

    items: list[dict[str, Any]]
    rules: dict[str, dict[str, str]]

    def matching(
        self,
        rule: str | None = None,
        severity: str | None = None,
        government: str | None = None,
        agency: str | None = None,
    ) -> list[dict[str, Any]]:
        """The findings of a rule, a severity, a government and an agency (None: any)."""
        return [
            item
            for item in self.items
            if (rule is None or item["finding"]["rule"] == rule)
            and (severity is None or item["finding"]["severity"] == severity)
            and (government is None or government in item["governments"])
            and (agency is None or agency in item["agencies"])
        ]

    def tally(self, items: list[dict[str, Any]], **query: str) -> dict[str, Any]:
        """``items`` counted by rule, most serious first, each with the address of its
        paged list (``/findings?`` ``query`` ``&rule=``)."""
        counts = Counter(item["finding"]["rule"] for item in items)
        severities = {item["finding"]["rule"]: item["finding"]["severity"] for item in items}
        base = f"/findings?{urlencode(query)}"
        by_rule = [
            {
                "rule_name": self.rule_name(rule),
                "severity": severities[rule],
                "count": count,
                "href": f"{base}&{urlencode({'rule': rule})}",
            }
            for rule, count in counts.items()
        ]
        by_rule.sort(key=lambda r: rule_order(r["rule_name"]["id"], r["severity"]))
        return {"total": len(items), "by_rule": by_rule, "href": base}

    def rule_name(self, rule: str) -> dict[str, str | None]:
        names = self.rules.get(rule, {})
        return {"id": rule, "zh": names.get("zh"), "en": names.get("en")}

    def present(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Findings as the API shows them: the fields of workbook.md, the rule's names,
        and the agencies and governments each concerns."""
        out = []
        for item in items:
            f = item["finding"]
            out.append(
                {
                    **f,
                    "rule_name": self.rule_name(f["rule"]),
                    "agencies": item["agencies"],
                    "governments": item["governments"],
                }
            )
        return out

    def of_focus(self, ident: str) -> list[dict[str, Any]]:
        return [
            f
            for f in self.items
            if f["finding"]["focus"] == ident or ident in f["finding"]["related"]
        ]


@dataclass
class Snapshot:
    """One generation: its reader and the caches built from it."""

    generation: str | None
    reader: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    indexes: dict[str, Any] = field(default_factory=dict)
    payloads: OrderedDict[tuple[str, str], Any] = field(default_factory=OrderedDict)
    findings_task: asyncio.Future[Findings] | None = None

    def index(self, name: str, build: Any) -> Any:
        """A per-generation index, built once (``build(reader)``)."""
        found = self.indexes.get(name)
        if found is None:
            with self.lock:
                found = self.indexes.get(name)
                if found is None:
                    found = self.indexes[name] = build(self.reader)
        return found

    def cached(self, kind: str, key: str, build: Any) -> Any:
        """A detail payload, kept (LRU) for this generation."""
        found = self.payloads.get((kind, key))
        if found is None:
            found = build()
            with self.lock:
                self.payloads[(kind, key)] = found
                while len(self.payloads) > PAYLOAD_CACHE:
                    self.payloads.popitem(last=False)
        return found

    def cached_json(self, kind: str, key: str, model: Any, build: Any) -> bytes:
        """A payload checked against its response model and serialized once, kept as
        JSON bytes for this generation (the data cannot change within a generation)."""
        return self.cached(
            kind, key, lambda: model.model_validate(build()).model_dump_json().encode()
        )

    def concepts(self) -> dict[str, dict[str, str]]:
        return self.index("concepts", _concepts)

    def concept(self, iri: str | None) -> dict[str, str | None] | None:
        """A concept of the ontology as ``{"id", "zh", "en"}`` (None for None)."""
        if iri is None:
            return None
        known = self.concepts().get(iri)
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if known is None:
            return {"id": local, "zh": None, "en": None}
        return {"id": local, **known}


def _concepts(reader: Any) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in queries.rows(reader, queries.CONCEPTS):
        out.setdefault(row["c"], {"zh": row["zh"], "en": row["en"]})
    return out


class AppState:
    """The settings, the pools and the live snapshot."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store_path = Path(settings.store)
        size = max(1, min(2, os.cpu_count() or 1))
        self.readers = Pool(
            str(self.store_path),
            size,
            "govkg-read",
            per_client=settings.queries_per_client,
            queue_wait=settings.queue_wait,
        )
        self.writer = Pool(str(self.store_path), 1, "govkg-write")
        # findings and uploaded validations: never in the way of SPARQL queries
        self.compute = Pool(str(self.store_path), 1, "govkg-compute")
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        self.readers.start()
        self.writer.start()
        self.compute.start()

    def close(self) -> None:
        self.readers.close()
        self.writer.close()
        self.compute.close()

    def generation(self) -> str | None:
        try:
            return os.readlink(self.store_path / "current")
        except OSError:
            return None

    def snapshot(self) -> Snapshot:
        """The live generation (reopened when a load switched it)."""
        generation = self.generation()
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                store = (
                    oxi.memory_store()
                    if generation is None
                    else oxi.disk_store(self.store_path / generation, read_only=True)
                )
                reader = queries.TimedReader(store, self.settings.query_timeout)
                self._snapshot = Snapshot(generation, reader)
            return self._snapshot

    def warm(self) -> None:
        """Start computing the findings of the live generation (in the background)."""
        snap = self.snapshot()
        if snap.findings_task is None:
            task = asyncio.ensure_future(self.findings(snap))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def findings(self, snap: Snapshot) -> Findings:
        """The findings of a snapshot, computed once in a worker."""
        if snap.findings_task is None:
            snap.findings_task = asyncio.ensure_future(self._compute_findings(snap.generation))
        task = snap.findings_task
        try:
            return await asyncio.shield(task)
        except Exception:
            if snap.findings_task is task and task.done():
                snap.findings_task = None  # let the next request try again
            raise

    async def _compute_findings(self, generation: str | None) -> Findings:
        result = await self.compute.run(
            Task("findings", {"generation": generation, "base_iri": self.settings.base_iri}), None
        )
        findings = Findings(result["findings"], result["rules"])
        settle_heap()
        return findings


def settle_heap() -> None:
    """Once a generation's findings are in: collect what the last one left, then keep the
    long-lived objects out of the collector's sight. Otherwise a full collection walks
    them all (a province's findings and indexes), a pause of tens of milliseconds that
    lands on whichever request is running (the p99 of a lookup)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()

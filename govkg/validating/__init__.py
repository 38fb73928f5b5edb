"""Validating sources and stores: the shell's one place for reading sources, putting them
in a store, running the rules on it and writing the report (docs/architecture.md).

``sources`` reads workbooks and RDF files into a memory store (or opens a store on disk)
and validates it; ``draft`` (with ``draft_scope``, ``findings_cache`` and ``draft_store``)
checks a draft 三定 against its baseline; ``partition`` validates a large workbook
government by government in worker processes; ``report`` writes the findings as text, JSON
or xlsx. The rules themselves judge graphs and stores only (:mod:`govkg.shapes`).
"""

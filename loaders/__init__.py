"""Loaders: the workbook contract, workbooks and RDF files into RDF."""

from govkg.loaders.checks import check_workbook
from govkg.loaders.sources import PreparedSource, prepare_source, workbook_to_ntriples
from govkg.loaders.workbook import Workbook, read_workbook

__all__ = [
    "PreparedSource",
    "Workbook",
    "check_workbook",
    "prepare_source",
    "read_workbook",
    "workbook_to_ntriples",
]

"""N-Triples terms written as text: the hot path of a province-scale load
(loaders/mapping.py) and the findings and decisions written into a store."""

from __future__ import annotations

import re

from govkg.ontology.namespaces import XSD

_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def literal(text: str, lang: str | None = None) -> str:
    """An N-Triples literal.

    >>> literal('说"明"', "zh")
    '"说\\\\"明\\\\""@zh'
    """
    # most cells need no escape, and finding that out is far cheaper than translate
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPES)
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def typed(value: str, datatype: str) -> str:
    """An N-Triples literal of an XSD datatype (``typed("3", "integer")``)."""
    return f'"{value}"^^<{XSD}{datatype}>'

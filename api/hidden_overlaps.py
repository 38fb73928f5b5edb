"""R16 on the overlaps page: each possible hidden overlap with both duty texts, the shared
phrases marked, and what a member of staff with the write token can do about it:
dismiss it (not an overlap: kept in the store's decisions graph, docs/overlaps.md) or
confirm it (then the page offers the row to write into the workbook, as xlsx). R17's
findings (a transferred duty nobody takes up) sit below them, to dismiss the same way."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from govkg.api.deps import SnapshotDep, StateDep, given_token_error
from govkg.api.errors import ApiError
from govkg.api.state import Findings, Snapshot
from govkg.ontology.namespaces import DCT, GK, ORG, SKOS
from starlette.concurrency import run_in_threadpool

from govkg.store import oxigraph as oxi

router = APIRouter(prefix="/ui", tags=["pages 网页"], include_in_schema=False)
Ident = Annotated[str, Query(max_length=200)]

DUTIES_QUERY = f"""SELECT ?id ?text ?agency ?agencyName ?function WHERE {{
  VALUES ?id {{ %s }}
  ?d <{DCT}identifier> ?id ; a <{GK}Duty> ; <{DCT}description> ?text ; <{GK}heldBy> ?h .
  {{ ?h a <{GK}Agency> BIND (?h AS ?a) }} UNION {{ ?h <{ORG}unitOf> ?a }}
  ?a <{DCT}identifier> ?agency .
  OPTIONAL {{ ?a <{SKOS}prefLabel> ?agencyName }}
  OPTIONAL {{ ?d <{GK}onFunction>/<{DCT}identifier> ?function }} }}"""


def duties_by_id(snap: Snapshot, ids: list[str]) -> dict[str, dict[str, str]]:
    if not ids:
        return {}
    values = " ".join(str(oxi.literal(i)) for i in sorted(set(ids)))
    out: dict[str, dict[str, str]] = {}
    for row in oxi.select(snap.reader, DUTIES_QUERY % values):
        out.setdefault(
            row["id"].value,
            {
                "id": row["id"].value,
                "text": row["text"].value,
                "agency": row["agency"].value,
                "agency_name": row["agencyName"].value if row["agencyName"] else "",
                "function": row["function"].value if row["function"] else "",
            },
        )
    return out


def marked(text: str, phrases: list[str]) -> list[tuple[str, bool]]:
    """The text in pieces, those of the shared phrases marked.

    >>> marked("负责公共数据归集共享", ["公共数据", "共享"])
    [('负责', False), ('公共数据', True), ('归集', False), ('共享', True)]
    """
    spans = [False] * len(text)
    for phrase in phrases:
        start = text.find(phrase)
        while phrase and start >= 0:
            for k in range(start, start + len(phrase)):
                spans[k] = True
            start = text.find(phrase, start + len(phrase))
    pieces: list[tuple[str, bool]] = []
    for char, on in zip(text, spans, strict=True):
        if pieces and pieces[-1][1] == on:
            pieces[-1] = (pieces[-1][0] + char, on)
        else:
            pieces.append((char, on))
    return pieces


def hidden_overlaps_of(snap: Snapshot, findings: Findings, gov: str | None) -> list[dict[str, Any]]:
    """The R16 findings (of one government, or all), each with both duties."""
    rows = [
        item["finding"]
        for item in findings.items
        if item["finding"]["rule"] == "R16" and (gov is None or gov in item["governments"])
    ]
    duties = duties_by_id(snap, [i for f in rows for i in (f["focus"], *f["related"])])
    items = []
    for f in rows:
        evidence = list(f.get("evidence") or [])
        sides = []
        for ident in (f["focus"], *f["related"]):
            duty = duties.get(ident, {"id": ident, "text": "", "agency": "", "agency_name": ""})
            sides.append({**duty, "pieces": marked(duty["text"], evidence)})
        items.append({"finding": f, "score": f.get("score"), "evidence": evidence, "sides": sides})
    return items


def transfer_gaps_of(findings: Findings, gov: str | None) -> list[dict[str, Any]]:
    """The R17 findings (of one government, or all)."""
    return [
        item["finding"]
        for item in findings.items
        if item["finding"]["rule"] == "R17" and (gov is None or gov in item["governments"])
    ]


def check_form_token(state: Any, given: str) -> None:
    """The write token, as /load and /update take it, here from the page's form."""
    error = given_token_error(given, state.settings.token)
    if error is not None:
        raise error


@router.post("/overlaps/decide", summary="记入判断 record a decision")
async def decide(
    request: Request,
    state: StateDep,
    focus: Annotated[str, Form(max_length=200)],
    related: Annotated[str, Form(max_length=200)],
    decision: Annotated[str, Form(max_length=20)],
    who: Annotated[str, Form(max_length=100)],
    token: Annotated[str, Form(max_length=500)],
    note: Annotated[str, Form(max_length=2000)] = "",
    lang: Annotated[str, Form(max_length=5)] = "zh",
    rule: Annotated[str, Form(max_length=10)] = "R16",
) -> Response:
    """Dismiss or confirm one R16 or R17 finding (the write token in the form)."""
    from govkg.decisions import record_decisions

    check_form_token(state, token)
    row = {"rule": rule, "focus": focus, "related": related, "decision": decision, "note": note}
    await run_in_threadpool(record_decisions, state.settings, [row], who=who, source="form")
    back = f"/ui/overlaps?lang={quote(lang)}&decided={quote(focus)}-{quote(related)}"
    if decision == "confirm" and rule == "R16":
        back += f"&confirmed={quote(focus)}&with={quote(related)}"
    return RedirectResponse(back + ("#gaps" if rule == "R17" else "#hidden"), status_code=303)


@router.get("/overlaps/workbook.xlsx", summary="写入工作簿的行 rows for the workbook")
async def workbook_rows(
    snap: SnapshotDep,
    focus: Ident,
    related: Ident,
    lang: Annotated[str, Query(max_length=5)] = "zh",
) -> Response:
    """What to write into the workbook for a confirmed overlap: the division row naming
    both agencies (on the function they share, or the one either is on), and, for a duty
    without a function, the row giving it the other duty's function."""
    duties = await run_in_threadpool(duties_by_id, snap, [focus, related])
    if focus not in duties or related not in duties:
        raise ApiError(404, "未找到这两条职责", "no such pair of duties")
    data = rows_for_workbook(duties[focus], duties[related], lang)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="overlap-{focus}-{related}.xlsx"'},
    )


def rows_for_workbook(a: dict[str, str], b: dict[str, str], lang: str) -> bytes:
    from govkg.loaders.xlsx_writer import write_xlsx

    zh = lang != "en"
    function = a["function"] or b["function"]
    text = (
        f"{a['agency_name']}与{b['agency_name']}就「{a['text'][:30]}」的分工：（请填写）"
        if zh
        else f"Division between {a['agency']} and {b['agency']}: (to fill in)"
    )
    division_header = ["编号", "涉及机构", "职能编码", "分工内容", "依据"]
    division = [f"FG-{a['id']}-{b['id']}", f"{a['agency']}；{b['agency']}", function, text, ""]
    duty_header = ["职责编码", "职能编码"]
    duty_rows = [[d["id"], function] for d in (a, b) if not d["function"] and function]
    sheets = {"职责分工": (division_header, [division])}
    if duty_rows:
        sheets["职责"] = (duty_header, duty_rows)
    with tempfile.TemporaryDirectory(prefix="govkg-overlap-") as folder:
        path = Path(folder) / "rows.xlsx"
        write_xlsx(path, sheets)
        return path.read_bytes()

"""/ui/draft: upload a draft 三定 workbook, see what it brings and what it resolves, and
take the report away as xlsx. The check runs in the compute worker, as POST /validate
does (same upload handling, same validator); nothing is stored but the check's findings,
kept a while for the report's download (api/draft_reports.py), whose xlsx a worker makes
when the link is followed. The same page takes a 三定 text too (govkg.api.mandate_page),
and shows its check with what is here."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from govkg.api import page_data
from govkg.api.deps import SnapshotDep, StateDep
from govkg.api.draft_reports import report_file
from govkg.api.errors import ApiError, govkg_error_parts
from govkg.api.state import AppState
from govkg.api.validate import VALIDATE_TIMEOUT, save
from govkg.api.web import PageContext, language, render_page
from govkg.api.workers import Task
from starlette.concurrency import run_in_threadpool

from govkg.errors import GovkgError

router = APIRouter(prefix="/ui", tags=["pages 网页"], include_in_schema=False)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# a province's store keeps hundreds of thousands of findings: the page lists the first of
# those the draft leaves unchanged, the downloaded report all of them
SHOWN_UNCHANGED = 500


@router.get("/draft", response_class=HTMLResponse, summary="草稿检查 draft check")
async def draft_form(request: Request, snap: SnapshotDep) -> HTMLResponse:
    baseline = await run_in_threadpool(page_data.baseline_sources, snap)
    return render_page(request, "draft.html", baseline=baseline, result=None, error=None)


def _as_uploaded(problems: list[dict[str, Any]], saved: dict[str, str]) -> list[dict[str, Any]]:
    """Problems located in the files as the user named them, not in the scratch folder."""
    out = []
    for problem in problems:
        where = problem.get("file", "")
        for path, name in saved.items():
            if where == path or where.startswith(path + "/"):
                where = name + where[len(path) :]
        out.append({**problem, "file": where})
    return out


@router.post("/draft", response_class=HTMLResponse, summary="草稿检查 draft check")
async def draft_check(
    request: Request,
    state: StateDep,
    snap: SnapshotDep,
    draft: Annotated[UploadFile | None, File()] = None,
    baseline: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    stored = await run_in_threadpool(page_data.baseline_sources, snap)
    limit = state.settings.max_body_bytes
    error: dict[str, Any] | None = None
    result = None
    saved: dict[str, str] = {}  # where an upload was saved -> the name it was uploaded as
    try:
        if draft is None or not draft.filename:
            raise ApiError(400, "请选择征求意见稿文件", "choose the draft file")
        with tempfile.TemporaryDirectory(prefix="govkg-draft-") as scratch:
            folder = Path(scratch)
            (folder / "base").mkdir()
            (folder / "draft").mkdir()
            uploaded = baseline if baseline is not None and baseline.filename else None
            if uploaded is None and snap.generation is None:
                raise ApiError(
                    400,
                    "存储中还没有数据，请同时上传基准工作簿",
                    "the store holds no data yet: upload the baseline too",
                )
            paths = [str(await save(uploaded, folder / "base", limit))] if uploaded else []
            saved = {str(await save(draft, folder / "draft", limit)): draft.filename}
            args = {
                "draft": next(iter(saved)),
                "base_iri": state.settings.base_iri,
                **page_check_args(state),
            }
            if uploaded is not None:
                saved[paths[0]] = uploaded.filename or ""
                task = Task("validate_for_page", {**args, "paths": paths})
            else:
                # the baseline is the store: its stored findings, re-validated where the
                # draft reaches (govkg/validating/draft_store.py)
                task = Task("validate_draft_store", {**args, "generation": snap.generation})
            result = await state.compute.run(task, VALIDATE_TIMEOUT)
    except (ApiError, GovkgError) as exc:
        error = error_view(exc, saved)
    if result is None:
        return render_page(
            request, "draft.html", status=400, baseline=stored, result=None, error=error
        )
    name = (draft.filename or "") if draft else ""
    return render_page(
        request,
        "draft.html",
        baseline=stored,
        error=None,
        result=checked(request, result, name),
    )


@router.get(
    "/draft/report/{token}",
    summary="下载草稿检查报告（xlsx） download a draft check's report (xlsx)",
)
async def draft_report(request: Request, state: StateDep, token: str) -> Response:
    """The xlsx report of a check the page showed (its link), made now in a worker."""
    path = report_file(state.settings.draft_reports_folder(), token)
    if path is None:
        raise ApiError(
            404,
            "未找到这份报告：链接已过期（报告保留一小时）或有误，请重新检查草稿",
            "no such report: the link has expired (reports are kept an hour) or is wrong; "
            "check the draft again",
        )
    task = Task("draft_report", {"path": str(path), "lang": language(request)})
    content = await state.compute.run(task, VALIDATE_TIMEOUT)
    return Response(
        content,
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": 'attachment; filename="govkg-draft-report.xlsx"'},
    )


def page_check_args(state: AppState) -> dict[str, Any]:
    """What a worker task needs to answer a check as the page shows it
    (api/draft_reports.py: ``page_check``)."""
    return {"reports": str(state.settings.draft_reports_folder()), "shown": SHOWN_UNCHANGED}


def error_view(exc: ApiError | GovkgError, saved: dict[str, str]) -> dict[str, Any]:
    """An error as the page shows it: messages in both languages, problems located in the
    files as uploaded (``saved``: where an upload was saved -> the name it was uploaded as)."""
    if isinstance(exc, ApiError):
        zh, en, problems = exc.zh, exc.en, exc.problems
    else:
        _status, zh, en, problems = govkg_error_parts(exc)
    return {"zh": zh, "en": en, "problems": _as_uploaded(problems, saved)}


def data_url(content: bytes) -> str:
    """An xlsx file as a link the browser downloads without asking the server again."""
    return f"data:{XLSX_TYPE};base64," + base64.b64encode(content).decode()


def checked(request: Request, check: dict[str, Any], name: str) -> dict[str, Any]:
    """The check of a draft as the page shows it (``page_check``'s answer): the verdict,
    the findings grouped new / resolved / unchanged with their tally, and the link to the
    xlsx report."""
    return {
        "report": {"conforms": check["conforms"], "counts": check["counts"]},
        "groups": check["groups"],
        "tally": check["tally"],
        "draft_name": name,
        "xlsx": PageContext(request).url(f"/ui/draft/report/{check['token']}"),
    }

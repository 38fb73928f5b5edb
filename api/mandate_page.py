"""/ui/draft/mandate: the draft page's second form. Upload a 三定 text; the page shows what
the importer read, the check of its draft against the store (new / resolved / unchanged, as
for a draft workbook), and both as xlsx: the draft workbook, to correct and upload again
as a draft workbook, and the check report (made when its link is followed, as for a draft
workbook). The import runs in the compute worker, as POST /import/mandate does (same
upload handling, same task); nothing is stored but the check's findings, for the report."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from govkg.api import page_data
from govkg.api.deps import SnapshotDep, StateDep
from govkg.api.draft_page import checked, data_url, error_view, page_check_args
from govkg.api.errors import ApiError
from govkg.api.mandate import IMPORT_TIMEOUT, save_text, task_args
from govkg.api.mandate_view import reading
from govkg.api.web import PageContext, render_page
from govkg.api.workers import Task
from starlette.concurrency import run_in_threadpool

from govkg.errors import GovkgError

router = APIRouter(prefix="/ui", tags=["pages 网页"], include_in_schema=False)

_GOVERNMENT = re.compile(r"[0-9]{6}")


@router.get("/draft/mandate", summary="三定导入 import a 三定 text")
async def mandate_form(request: Request) -> RedirectResponse:
    """The form is on the draft page (where the language switch of a result leads)."""
    return RedirectResponse(PageContext(request).url("/ui/draft"), status_code=303)


@router.post("/draft/mandate", response_class=HTMLResponse, summary="三定导入 import a 三定 text")
async def mandate_check(
    request: Request,
    state: StateDep,
    snap: SnapshotDep,
    file: Annotated[UploadFile | None, File()] = None,
    government: Annotated[str, Form()] = "",
) -> HTMLResponse:
    stored = await run_in_threadpool(page_data.baseline_sources, snap)
    government = government.strip()
    # where the upload was saved -> the name it was uploaded as; the importer's option
    # --government is this page's field
    saved = {"--government": PageContext(request).t("government_field")}
    context: dict[str, Any] = {"baseline": stored, "government": government}
    try:
        if file is None or not file.filename:
            raise ApiError(400, "请选择三定规定文件", "choose the 三定 text")
        if government and not _GOVERNMENT.fullmatch(government):
            raise ApiError(
                400,
                f"所属政府代码「{government}」应为 6 位数字",
                f"the government code '{government}' must be 6 digits",
            )
        with tempfile.TemporaryDirectory(prefix="govkg-mandate-page-") as scratch:
            path, name = await save_text(file, Path(scratch), state.settings.max_body_bytes)
            saved[str(path)] = name
            out = Path(scratch) / f"{path.stem}-draft.xlsx"
            args = {
                **task_args(state, path, name, government or None, out),
                **page_check_args(state),
            }
            result = await state.compute.run(Task("import_mandate", args), IMPORT_TIMEOUT)
            draft_xlsx = out.read_bytes()
    except (ApiError, GovkgError) as exc:
        error = error_view(exc, saved)
        return render_page(request, "draft.html", status=400, result=None, error=error, **context)
    view = await run_in_threadpool(reading, result["draft"], lambda i: page_data.named(snap, i))
    mandate = {
        "name": name,
        "view": view,
        "draft_xlsx": data_url(draft_xlsx),
        "draft_file": out.name,
        "skipped": result.get("skipped"),
    }
    check = result["check"]
    return render_page(
        request,
        "draft.html",
        error=None,
        result=checked(request, check, name) if check is not None else None,
        mandate=mandate,
        **context,
    )

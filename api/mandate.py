"""/import/mandate: upload a 三定 text, get its draft workbook and the draft's check
against the store (the baseline), through a compute worker like /validate."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from govkg.api.deps import StateDep
from govkg.api.errors import error_responses
from govkg.api.state import AppState
from govkg.api.uploads import save_upload
from govkg.api.workers import Task

router = APIRouter(tags=["mandates 三定"])

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")
IMPORT_TIMEOUT = 600.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MandateField = Annotated[
    UploadFile, File(description="三定规定 a 三定 regulation: .docx, .txt, .html, .pdf")
]
GovernmentField = Annotated[
    str | None,
    Form(
        description="所属政府（6 位代码），机构不在基准中时需要 the government of an agency"
        " the store does not know",
        pattern=r"^[0-9]{6}$",
        examples=["329900"],
    ),
]
FormatQuery = Annotated[
    Literal["json", "xlsx"],
    Query(
        description="json：草稿与校验；xlsx：草稿工作簿 json: draft and check; xlsx: the draft",
        examples=["json"],
    ),
]


async def save_text(file: UploadFile, folder: Path, limit: int) -> tuple[Path, str]:
    """Write an uploaded 三定 text into ``folder``: (its path, the name it was uploaded as);
    ApiError 415 for a file type the importer does not read, 413 when too large."""
    return await save_upload(
        file,
        folder,
        limit,
        suffixes=SUFFIXES,
        expected=(" .docx、.txt、.html 或 .pdf", ".docx, .txt, .html or .pdf"),
        fallback="mandate",
    )


def task_args(
    state: AppState, path: Path, name: str, government: str | None, out: Path
) -> dict[str, Any]:
    """The arguments of the worker task ``import_mandate`` for a saved upload."""
    return {
        "path": str(path),
        "name": name,
        "government": government,
        "generation": state.generation(),
        "base_iri": state.settings.base_iri,
        "out": str(out),
    }


@router.post(
    "/import/mandate",
    summary="导入三定规定为草稿并检查 import a 三定 text as a draft and check it",
    responses={
        **error_responses(413, 415),
        200: {"content": {XLSX: {}}, "description": "草稿与校验 the draft and its check"},
    },
)
async def import_mandate(
    state: StateDep,
    file: MandateField,
    government: GovernmentField = None,
    format: FormatQuery = "json",
) -> Any:
    """读取上传的三定规定，与存储中的机构匹配，生成草稿（json：各表与职能建议；xlsx：草稿工作簿），
    并把草稿并入存储的图后按 R1–R17 检查（每项 new/resolved/unchanged）。不写入存储。
    Read an uploaded 三定 text, match its names to the store's agencies and build the draft
    (json: every sheet, with the function proposals; xlsx: the draft workbook), then check
    the draft merged into the store's graph against R1-R17 (each finding new, resolved or
    unchanged). Nothing is stored."""
    with tempfile.TemporaryDirectory(prefix="govkg-mandate-") as scratch:
        path, name = await save_text(file, Path(scratch), state.settings.max_body_bytes)
        out = Path(scratch) / f"{path.stem}-draft.xlsx"
        args = task_args(state, path, name, government, out)
        result = await state.compute.run(Task("import_mandate", args), IMPORT_TIMEOUT)
        if format == "xlsx":
            disposition = f"attachment; filename*=UTF-8''{_quote(out.name)}"
            return Response(
                out.read_bytes(), media_type=XLSX, headers={"Content-Disposition": disposition}
            )
    return result


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)

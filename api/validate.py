"""/validate (check an uploaded workbook, and a draft) and /load (bearer token: load an
uploaded workbook into the store through the server's one writer)."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from govkg.api.deps import StateDep, TokenDep
from govkg.api.errors import ApiError, error_responses
from govkg.api.models import FindingsReport, LoadReport
from govkg.api.uploads import base_name, save_upload
from govkg.api.workers import Task

router = APIRouter(tags=["workbooks 工作簿"])

SUFFIXES = (".xlsx", ".zip", ".ttl", ".nt", ".jsonld")
VALIDATE_TIMEOUT = 600.0  # seconds; a validation is bounded by the upload size


async def save(upload: UploadFile, folder: Path, limit: int) -> Path:
    """Write an upload into ``folder`` as a workbook path: an .xlsx file, or a folder of
    the CSV files of a .zip (only ``*.csv`` members, flattened; size-checked)."""
    target, _ = await save_upload(
        upload,
        folder,
        limit,
        suffixes=SUFFIXES,
        expected=(" .xlsx 工作簿或 CSV 文件的 .zip", "an .xlsx workbook or a .zip of CSV files"),
        fallback="upload",
    )
    if target.suffix != ".zip":
        return target
    out = folder / target.stem
    out.mkdir()
    try:
        with zipfile.ZipFile(target) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if sum(m.file_size for m in members) > limit:
                raise ApiError(413, "解压后的文件过大", "the unpacked files are too large")
            for member in members:
                with (
                    archive.open(member) as src,
                    (out / base_name(member.filename)).open("wb") as dst,
                ):
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile:
        raise ApiError(400, "不是有效的 .zip 文件", "not a valid .zip file") from None
    if not members:
        raise ApiError(400, ".zip 中没有 CSV 文件", "the .zip holds no CSV file")
    target.unlink()
    return out


UploadField = Annotated[
    UploadFile, File(description="工作簿 workbook: .xlsx, or a .zip of <table>.csv files")
]
DraftField = Annotated[
    UploadFile | None, File(description="征求意见稿 draft workbook (.xlsx or .zip)")
]


@router.post(
    "/validate",
    response_model=FindingsReport,
    summary="校验上传的工作簿 validate an uploaded workbook",
    responses=error_responses(415),
)
async def validate(state: StateDep, file: UploadField, draft: DraftField = None) -> FindingsReport:
    """按规则 R1–R17 校验上传的工作簿（不写入存储）；附草稿时标出 new/resolved/unchanged。
    Check an uploaded workbook against R1-R17 (nothing is stored); with a draft, every
    finding has a status new/resolved/unchanged. Answers the findings JSON of workbook.md."""
    limit = state.settings.max_body_bytes
    with tempfile.TemporaryDirectory(prefix="govkg-validate-") as scratch:
        folder = Path(scratch)
        (folder / "base").mkdir()
        path = await save(file, folder / "base", limit)
        draft_path = None
        if draft is not None and draft.filename:
            (folder / "draft").mkdir()
            draft_path = str(await save(draft, folder / "draft", limit))
        args = {"paths": [str(path)], "draft": draft_path, "base_iri": state.settings.base_iri}
        report = await state.compute.run(Task("validate", args), VALIDATE_TIMEOUT)
    return FindingsReport.model_validate(report)


@router.post(
    "/load",
    response_model=LoadReport,
    summary="加载工作簿 load a workbook into the store (bearer token)",
    responses=error_responses(401, 403, 415),
)
async def load(state: StateDep, _token: TokenDep, file: UploadField) -> LoadReport:
    """把上传的工作簿加载进存储（同名来源替换其命名图；全部成功或全部不写）。
    Load an uploaded workbook into the store through the one writer: its named graph is
    ``{base}graph/{file name}``, replaced when loaded again; all or nothing."""
    limit = state.settings.max_body_bytes
    with tempfile.TemporaryDirectory(prefix="govkg-load-") as scratch:
        path = await save(file, Path(scratch), limit)
        report = await state.writer.run(
            Task("load", {"paths": [str(path)], "settings": state.settings}), None
        )
    report["generation"] = state.generation()
    state.warm()
    return LoadReport.model_validate(report)

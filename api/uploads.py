"""Saving an uploaded file into a scratch folder: its name made safe, its size bounded."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from fastapi import UploadFile
from govkg.api.errors import ApiError

_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")


def base_name(path: str) -> str:
    """The last part of a path a client sent (``\\`` counts as a separator too)."""
    return PurePosixPath(path.replace("\\", "/")).name


async def save_upload(
    upload: UploadFile,
    folder: Path,
    limit: int,
    *,
    suffixes: tuple[str, ...],
    expected: tuple[str, str],
    fallback: str,
) -> tuple[Path, str]:
    """Write ``upload`` into ``folder``: (its path, the name it was uploaded as).

    ApiError 415 when its suffix is not one of ``suffixes`` (``expected``: what to upload,
    zh and en), 413 when it is larger than ``limit`` bytes; ``fallback`` is the file's
    stem when nothing of its name is safe to keep."""
    name = base_name(upload.filename or "")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in suffixes:
        raise ApiError(
            415,
            f"不支持的文件「{name}」：请上传{expected[0]}",
            f"unsupported file '{name}': upload {expected[1]}",
        )
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "上传文件过大", "the upload is too large")
    stem = _UNSAFE.sub("_", PurePosixPath(name).stem).strip(" .")[:100] or fallback
    path = folder / f"{stem}{suffix}"
    path.write_bytes(data)
    return path, name

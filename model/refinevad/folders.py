"""Output folders that are either the old content or the complete new content, never half-written."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .cli import UsageError


@contextmanager
def replaced_folder(out: Path, marker: str, kind: str) -> Iterator[Path]:
    """Yields an empty temporary folder beside OUT; when the block succeeds it takes OUT's place in one rename.

    OUT may be missing, empty, or a folder of the same kind (it holds MARKER); anything else is refused, so a
    typo cannot delete an unrelated folder. On failure OUT stays as it was and the temporary folder is removed.
    """
    if out.exists() and any(out.iterdir()) and not (out / marker).is_file():
        raise UsageError(f"{out} exists and is not {kind}; choose an empty or new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        yield staging
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)

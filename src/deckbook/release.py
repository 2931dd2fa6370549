"""Release builds: every course built clean into build/release/<version>/, with SHA256SUMS and a manifest."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from pathlib import Path

from . import cache, epoch
from .build import Result, build
from .options import Options

RELEASE_DIR = Path("build/release")


def release(course_refs: list[str], version: str | None = None, options: Options = Options(),
            out_root: Path = RELEASE_DIR) -> list[Path]:
    """Build every course from scratch into out_root/<version>/ and write the checksums; return the folders."""
    results: dict[Path, list[Result]] = {}
    staging = out_root / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    for ref in course_refs:
        result = build(ref, staging / Path(ref).name, options=options, version=version)
        results.setdefault(out_root / result.version, []).append(result)
    folders = []
    for folder, built in results.items():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for result in built:
            for path in result.files.values():
                os.replace(path, folder / path.name)
        assemble(folder, folder.name, [r.slug for r in built])
        folders.append(folder)
    shutil.rmtree(staging, ignore_errors=True)
    return folders


def assemble(folder: Path, version: str, courses: list[str] | None = None) -> Path:
    """Write folder/SHA256SUMS (for `sha256sum -c`) and folder/manifest.json over every file in `folder`."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name not in ("SHA256SUMS", "manifest.json"))
    digests = {p.name: cache.file_digest(p) for p in files}
    (folder / "SHA256SUMS").write_text("".join(f"{d}  {n}\n" for n, d in digests.items()), encoding="utf-8")
    manifest = {
        "version": version,
        "courses": sorted(courses or {n.split("-")[0] for n in digests}),
        "files": [{"name": p.name, "size": p.stat().st_size, "sha256": digests[p.name]} for p in files],
        "source_date_epoch": epoch.get(),
        "tools": {**cache.library_versions(), "python": platform.python_version()},
    }
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - thin wrapper for CI jobs
    """`python -m deckbook.release assemble DIR VERSION`: checksums for files gathered from CI jobs."""
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 3 or args[0] != "assemble":
        print("usage: python -m deckbook.release assemble DIR VERSION", file=sys.stderr)
        return 2
    print(assemble(Path(args[1]), args[2]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

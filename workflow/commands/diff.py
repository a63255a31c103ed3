"""What changed between two versions of a generated document: paragraph diff, redline .docx, side-by-side HTML.

The comparison itself is ``workflow.documents.textdiff`` (bytes in, text or bytes out); this command
finds the two versions in the store, reads them through it, and writes and records what it is asked to
write through a session.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from workflow import config
from workflow.commands.session import session
from workflow.documents.textdiff import checked_redline, document_lines, side_by_side, unified
from workflow.errors import MouError, OutputExists, OutputRefused
from workflow.i18n import _
from workflow.process.machine import REDLINE_EVENT
from workflow.records.store import Artifact, Store, write_new

_VERSION = re.compile(r"^v?(\d+)$")
_DOCUMENTS = "documents"


def _version(text: str) -> int:
    match = _VERSION.match(text)
    if not match:
        raise MouError(
            _("{text} is not a version, expected v1, v2, ...").format(text=repr(text)), rule="version", figures={"version": text}
        )
    return int(match.group(1))


def _name_version(rel: str) -> tuple[str, str] | None:
    """(stem, version as written) of a draft ``documents/<stage>/<stem>-v<N>.docx``; None for any other file."""
    name = PurePosixPath(rel).name
    if not (name.endswith(".docx") and "-v" in name[:-5]):
        return None
    stem, _sep, version = name[:-5].rpartition("-v")
    return (stem, version) if version.isdigit() else None


def _find(store: Store, slug: str, old: str, new: str, name: str | None) -> tuple[str, str, str]:
    """The document stem and the paths (inside the agreement) of its two versions; ``name`` picks the
    document when several have both."""
    a, b = _version(old), _version(new)
    store.agreement_file(slug)  # an unknown agreement is named with those there are
    found: dict[str, dict[int, str]] = {}
    for rel in store.files(slug, _DOCUMENTS):
        parsed = _name_version(rel)
        if parsed is not None:
            found.setdefault(parsed[0], {})[int(parsed[1])] = rel
    both = sorted(stem for stem, versions in found.items() if a in versions and b in versions)
    if name is None and len(both) > 1:  # a companion sheet (the lembar paraf) is compared only when named
        from workflow.data.catalogue import load_catalogue

        companions = {spec.name for _stage, spec in load_catalogue().documents() if spec.companion}
        both = [stem for stem in both if stem not in companions] or both
    figures = {"slug": slug, "old": f"v{a}", "new": f"v{b}", "documents": both}
    if name is not None:
        if name not in both:
            if both:
                text = _("{slug}: no document {name} with both v{a} and v{b}; documents with both: {documents}")
            else:
                text = _("{slug}: no document {name} with both v{a} and v{b}; documents with both: none")
            raise MouError(
                text.format(slug=slug, name=repr(name), a=a, b=b, documents=", ".join(both)),
                rule="diff.document",
                figures={**figures, "document": name},
            )
        both = [name]
    if len(both) != 1:
        if not both:
            raise MouError(
                _("{slug}: no document has both v{a} and v{b}").format(slug=slug, a=a, b=b), rule="diff.versions", figures=figures
            )
        raise MouError(
            _("{slug}: several documents have v{a} and v{b}: {documents}").format(slug=slug, a=a, b=b, documents=", ".join(both)),
            rule="diff.several",
            figures=figures,
        )
    stem = both[0]
    return stem, found[stem][a], found[stem][b]


def _unified(stem: str, left: str, right: str, old_lines: Sequence[str], new_lines: Sequence[str]) -> list[str]:
    """The unified diff of the versions at ``left`` and ``right``, labelled with the versions their names give."""
    return unified(stem, _label(left), _label(right), old_lines, new_lines)


def _label(rel: str) -> str:
    """The version of a draft as its file name writes it: ``2`` for ``documents/draft_kb/rancangan-kb-v2.docx``."""
    return PurePosixPath(rel).name[:-5].rpartition("-v")[2]


def diff_versions(store: Store, slug: str, old: str, new: str, name: str | None = None) -> list[str]:
    """Unified diff of two versions' paragraphs; ``name`` picks the document when several have both."""
    stem, left, right = _find(store, slug, old, new, name)
    return _unified(stem, left, right, document_lines(store.read(slug, left)), document_lines(store.read(slug, right)))


@dataclass(frozen=True)
class Written:
    """One file a comparison wrote, with its SHA-256."""

    kind: str  # "docx" or "html"
    path: Path
    sha256: str


@dataclass(frozen=True)
class Comparison:
    """What a comparison shows and writes: the paragraph diff, the files written and the history entry."""

    lines: list[str]
    written: list[Written] = field(default_factory=list)
    entry: dict[str, Any] | None = None


_SUFFIXES = {"docx": (".docx",), "html": (".html", ".htm")}


class _Output(NamedTuple):
    """Where one output goes: the path as given, as absolute path, and ``rel`` when it is inside the agreement's folder."""

    kind: str
    given: Path
    path: Path
    rel: str | None


def _check_output(store: Store, slug: str, kind: str, path: Path) -> _Output:
    """Where the output goes, or raise: wrong suffix, an existing file, or inside another agreement's folder.

    A file inside the agreement's own folder is written through the store and recorded as an artifact.
    Any other file is the user's, written where asked: outside the agreements folder, or in it but in no
    agreement's folder (``ROOT/redline.docx``).
    """
    if path.suffix.lower() not in _SUFFIXES[kind]:
        suffixes = _SUFFIXES[kind]
        if len(suffixes) == 1:
            reason = _("the file name must end with {suffix}").format(suffix=suffixes[0])
        else:
            reason = _("the file name must end with {first} or {second}").format(first=suffixes[0], second=suffixes[1])
        raise OutputRefused(kind, path, reason, "output.suffix")
    target = Path(os.path.abspath(path))
    root = Path(os.path.abspath(store.root))
    inside = target.relative_to(root).parts if target.is_relative_to(root) else ()
    if len(inside) > 1 and inside[0] == slug:
        rel = PurePosixPath(*inside[1:]).as_posix()
        if store.exists(slug, rel):
            raise OutputExists(kind, path)
        return _Output(kind, path, target, rel)
    if target.exists() or target.is_symlink():
        raise OutputExists(kind, path)
    if len(inside) > 1 and (root / inside[0]).is_dir():
        reason = _("inside the folder of agreement {slug}; write it elsewhere").format(slug=repr(inside[0]))
        raise OutputRefused(kind, path, reason, "output.agreement")
    return _Output(kind, path, target, None)


def compare(
    store: Store,
    slug: str,
    old: str,
    new: str,
    name: str | None = None,
    *,
    docx: Path | None = None,
    html: Path | None = None,
    actor: str | None = None,
) -> Comparison:
    """The paragraph diff of two versions and, when asked, a redline .docx and a side-by-side HTML page.

    Files are written only after the redline is checked to give back the newer text with every change
    accepted and the older with every change rejected; they never replace a file, and are recorded in
    the history (a ``redline`` entry naming both versions, every file and its SHA-256) under the lock.
    A file inside the agreement's folder goes through the store and is recorded as an artifact too.
    """
    from datetime import UTC, datetime

    stem, left, right = _find(store, slug, old, new, name)
    sources = store.read(slug, left), store.read(slug, right)
    old_lines, new_lines = document_lines(sources[0]), document_lines(sources[1])
    lines = _unified(stem, left, right, old_lines, new_lines)
    if docx is None and html is None:
        return Comparison(lines)
    outputs = [_check_output(store, slug, k, p) for k, p in (("docx", docx), ("html", html)) if p is not None]
    if len(outputs) == 2 and outputs[0].path == outputs[1].path:
        same = _("the redline and the side-by-side page name the same file; give each its own")
        raise OutputRefused("html", outputs[0].given, same, "output.same")
    who = config.current().who(actor)
    when = datetime.now(UTC).replace(microsecond=0)
    va, vb = f"v{_version(old)}", f"v{_version(new)}"
    data: dict[str, bytes] = {}
    if docx is not None:
        stamp = when.isoformat().replace("+00:00", "Z")
        data["docx"] = checked_redline(sources[0], sources[1], who, stamp, f"{stem} {va} -> {vb}")
    if html is not None:
        data["html"] = side_by_side(old_lines, new_lines, f"{stem}-{va}", f"{stem}-{vb}", who, when).encode("utf-8")
    return _record(store, slug, Comparison(lines), outputs, data, who, stem, (va, vb), sources)


def _record(
    store: Store,
    slug: str,
    result: Comparison,
    outputs: list[_Output],
    data: dict[str, bytes],
    who: str,
    stem: str,
    versions: tuple[str, str],
    sources: tuple[bytes, bytes],
) -> Comparison:
    """Write the files and append the ``redline`` entry in one session.

    Files outside the agreements folder are written first, and removed again if anything fails; files
    inside the agreement's folder go through the session last, so a failure can leave only such a file,
    never recorded (the store's recovery sets it aside).
    """
    with session(store, slug, who) as s:
        outside: list[Path] = []
        artifacts: list[Artifact] = []
        try:
            for out in sorted(outputs, key=lambda o: o.rel is not None):
                try:
                    if out.rel is None:
                        write_new(out.path, data[out.kind])
                        outside.append(out.path)
                    else:
                        artifacts.append(s.write(out.rel, data[out.kind]))
                except FileExistsError as err:
                    raise OutputExists(out.kind, out.path) from err
            written = [Written(o.kind, o.path, hashlib.sha256(data[o.kind]).hexdigest()) for o in outputs]
            record = {
                "document": stem,
                "old": versions[0],
                "new": versions[1],
                "old_sha256": hashlib.sha256(sources[0]).hexdigest(),
                "new_sha256": hashlib.sha256(sources[1]).hexdigest(),
                "outputs": [{"format": w.kind, "path": str(w.path), "sha256": w.sha256} for w in written],
            }
            note = f"{stem} {versions[0]} -> {versions[1]}"
            entry = s.record(s.entry(REDLINE_EVENT, role=None, note=note, artifacts=artifacts, data=record))
        except BaseException:
            for path in outside:
                path.unlink(missing_ok=True)
            raise
    return Comparison(result.lines, written, entry)

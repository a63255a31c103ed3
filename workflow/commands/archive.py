"""Signed-version archives: one BagIt 1.0 package per signature, as a folder and a .zip.

Each bag is built in a temporary folder outside the agreements root (the `bagit` library moves files
in place, ANCHORS.md pitfall 25), then published into the agreement's ``archive/`` through the store.
`bagit` writes ``BagIt-Version: 0.97``; we declare 1.0 (RFC 8493), whose layout is the same, and
rewrite the tag manifests accordingly. Any archivist can check the bag with `bagit.py --validate`.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow.commands.session import Snapshot, session
from workflow.errors import MouError
from workflow.i18n import _
from workflow.process.definition import folders
from workflow.process.machine import ARCHIVE_EVENT
from workflow.records.history import HISTORY_FILE
from workflow.records.store import Artifact, Store

BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
ALGORITHMS = ("sha256", "sha512")
RECORDED_PARTS = ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt")
"""The files of a bag its history entry records, after the .zip (they fix every other file of the bag)."""
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Archived:
    """One package written."""

    name: str
    folder: Path
    zip: Path


def signature_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """History entries that recorded a signature (they carry a signature.json)."""
    return [e for e in entries if any(a["path"].endswith("/signature.json") for a in e["artifacts"])]


def archive(store: Store, slug: str, actor: str | None = None) -> list[Archived]:
    """Package every signed version not yet archived; record each package in the history."""
    import bagit

    written: list[Archived] = []
    with session(store, slug, actor) as s:
        snap = s.snap
        done = {a["path"].split("/")[1] for e in snap.entries if e["event"] == ARCHIVE_EVENT for a in e["artifacts"]}
        signed = signature_entries(snap.entries)
        if not signed:
            raise MouError(
                _("{slug}: nothing signed yet").format(slug=slug), rule="archive.nothing_signed", figures={"slug": slug}
            )
        for sig in signed:
            kind_dir = next(a["path"] for a in sig["artifacts"] if a["path"].endswith("/signature.json")).split("/")[1]
            name = f"{slug}-{kind_dir}"
            if name in done:
                continue
            rel = f"archive/{name}"
            if store.files(slug, rel) or store.exists(slug, f"{rel}.zip"):
                raise _unrecorded(store, slug, rel)
            with tempfile.TemporaryDirectory(prefix="mou-bag-") as tmp:  # outside the agreements root
                staging = Path(tmp) / name
                _stage(snap, sig, staging)
                bag = bagit.make_bag(str(staging), _bag_info(snap, sig, name), checksums=list(ALGORITHMS))
                _declare_bagit_1_0(staging)
                bagit.Bag(str(staging)).validate()
                del bag
                zipped = _zip(staging)
                try:
                    published = store.publish(slug, staging, rel)
                    zip_artifact = s.write(f"{rel}.zip", zipped)
                except FileExistsError as err:
                    raise _unrecorded(store, slug, rel) from err
            parts = {a.path: a for a in published}
            artifacts: list[Artifact] = [zip_artifact, *(parts[f"{rel}/{part}"] for part in RECORDED_PARTS)]
            note = f"arsip BagIt versi bertanda tangan entri {sig['seq']}"
            s.record(s.entry(ARCHIVE_EVENT, role=None, note=note, artifacts=artifacts))
            written.append(Archived(name, store.path(slug, rel), store.path(slug, f"{rel}.zip")))
    return written


def _unrecorded(store: Store, slug: str, rel: str) -> MouError:
    """A bag folder or .zip in the way that the history does not record."""
    target = store.path(slug, rel)
    return MouError(
        _("{path} exists but is not recorded in the history").format(path=target),
        file=target,
        rule="archive.unrecorded",
        figures={"slug": slug, "path": rel},
    )


def _stage(snap: Snapshot, sig: dict[str, Any], staging: Path) -> None:
    """Write into ``staging`` (outside the root) everything that explains the signed version."""
    staging.mkdir(parents=True)
    store, slug = snap.store, snap.slug
    upto = [e for e in snap.entries if e["seq"] <= sig["seq"]]
    for e in upto:
        for a in e["artifacts"]:
            if a["path"].startswith(("documents/", "signed/", "reviews/")):
                dst = staging / a["path"]
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(store.read(slug, a["path"]))
    lines = store.history_bytes(slug).split(b"\n")[: sig["seq"]]
    (staging / HISTORY_FILE).write_bytes(b"".join(line + b"\n" for line in lines))
    reviews = [
        {k: e[k] for k in ("seq", "ts", "actor", "role", "event", "from", "to", "note", "data_sha256")}
        for e in upto
        if (event := snap.process.event(e["event"])) is not None and event.is_review
    ]
    (staging / "reviews.json").write_text(json.dumps(reviews, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    process = snap.process.name
    source = next(f / f"{process}.yaml" for f in folders() if (f / f"{process}.yaml").is_file())
    (staging / "process").mkdir()
    (staging / "process" / source.name).write_bytes(source.read_bytes())
    checkpoints = store.checkpoints()
    if checkpoints:  # the latest signed checkpoint of the store (workflow.commands.checkpoint), as stored
        (staging / "checkpoint.json").write_bytes(store.read_checkpoint(checkpoints[-1]))


def _bag_info(snap: Snapshot, sig: dict[str, Any], name: str) -> dict[str, str]:
    details = json.loads(
        snap.store.read(snap.slug, next(a["path"] for a in sig["artifacts"] if a["path"].endswith("/signature.json"))).decode(
            "utf-8"
        )
    )
    a = snap.agreement
    return {
        "Source-Organization": a.parties.pemda.name,
        "External-Identifier": name,
        "External-Description": f"{details['title']} tentang {a.document.subject}",
        "Title": f"{a.document.title} tentang {a.document.subject}",
        "Nomor-Pihak-Kesatu": str(details["nomor"][0]),
        "Nomor-Pihak-Kedua": str(details["nomor"][1]),
        "Pihak-Kesatu": a.parties.pemda.name,
        "Pihak-Kedua": a.parties.partner.name,
        "Tanggal-Penandatanganan": details["signed_on"],
        "Tempat-Penandatanganan": details["place"],
        "Jangka-Waktu": f"{a.term.start.isoformat()}/{a.term.end.isoformat()}",
        "History-Entry": f"{sig['seq']} {sig['hash']}",
    }


def _declare_bagit_1_0(bag: Path) -> None:
    """Declare RFC 8493 (1.0) and rewrite the tag manifests over the changed bagit.txt."""
    (bag / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
    tag_files = sorted(p.name for p in bag.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-"))
    for alg in ALGORITHMS:
        lines = [f"{hashlib.new(alg, (bag / n).read_bytes()).hexdigest()}  {n}\n" for n in tag_files]
        (bag / f"tagmanifest-{alg}.txt").write_text("".join(lines), encoding="utf-8")


def _zip(folder: Path) -> bytes:
    """The bag as one .zip whose top folder is the bag's name, with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder)}", date_time=_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())
    return buf.getvalue()


def verify_archives(store: Store, slug: str, entries: list[dict[str, Any]]) -> list[str]:
    """Every recorded archive: the bag validates, its payload matches the history, the zip matches."""
    problems: list[str] = []
    recorded = {a["path"]: a["sha256"] for e in entries for a in e["artifacts"]}
    for e in entries:
        if e["event"] != ARCHIVE_EVENT:
            continue
        for a in e["artifacts"]:
            path = store.path(slug, a["path"])
            if not store.exists(slug, a["path"]):
                problems.append(_("{path}: missing (recorded in entry {seq})").format(path=path, seq=e["seq"]))
            elif store.sha256(slug, a["path"]) != a["sha256"]:
                problems.append(_("{path}: does not match the SHA-256 recorded in entry {seq}").format(path=path, seq=e["seq"]))
        bag_rel = e["artifacts"][1]["path"].rsplit("/", 1)[0]
        bag_files = store.files(slug, bag_rel)
        if not bag_files:
            continue
        problems += _bag_problems(store, slug, bag_rel, bag_files)
        payload_dir = f"{bag_rel}/data/"
        for payload in sorted((f for f in bag_files if f.startswith(payload_dir)), key=lambda f: f.split("/")):
            rel = payload.removeprefix(payload_dir)
            if rel in recorded and store.sha256(slug, payload) != recorded[rel]:
                problems.append(
                    _("{path}: differs from {file} as recorded in the history").format(path=store.path(slug, payload), file=rel)
                )
        copied = f"{payload_dir}history.jsonl"
        if store.exists(slug, copied):
            current = store.history_bytes(slug)
            if not current.startswith(store.read(slug, copied)):
                problems.append(
                    _("{path}: is not the beginning of the agreement's history").format(path=store.path(slug, copied))
                )
    return problems


def _bag_problems(store: Store, slug: str, bag_rel: str, bag_files: list[str]) -> list[str]:
    """Why the bag at ``bag_rel`` does not validate, checked by `bagit` on a copy outside the root."""
    import bagit  # only when there is a bag to check: verify stays light otherwise

    bag_dir = store.path(slug, bag_rel)
    with tempfile.TemporaryDirectory(prefix="mou-verify-") as tmp:
        copy = Path(tmp) / bag_dir.name
        for rel in bag_files:
            target = copy / rel.removeprefix(bag_rel + "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(store.read(slug, rel))
        try:
            bagit.Bag(str(copy)).validate()
        except (UnicodeDecodeError, ValueError) as err:  # bagit reads a damaged manifest as text and fails
            return [
                _("{path}: bag does not validate: a tag file is not readable text ({error})").format(
                    path=bag_dir, error=_named(err, copy, bag_dir)
                )
            ]
        except bagit.BagError as err:
            details = getattr(err, "details", None) or []
            what = "; ".join(_detail(d) for d in details) or _named(err, copy, bag_dir)
            return [_("{path}: bag does not validate: {problems}").format(path=bag_dir, problems=what)]
    return []


def _named(err: Exception, copy: Path, bag_dir: Path) -> str:
    """The error's text with the temporary copy's path replaced by the bag's own."""
    return str(err).replace(str(copy), str(bag_dir))


def _detail(d: Any) -> str:
    """One bagit validation failure, naming the file and the manifest that disagree."""
    path = getattr(d, "path", None)
    alg = getattr(d, "algorithm", None)
    if path is None or alg is None:
        return str(d)
    manifest = f"manifest-{alg}.txt" if str(path).startswith("data/") else f"tagmanifest-{alg}.txt"
    return _("{path} does not match its {algorithm} in {manifest}").format(path=path, algorithm=alg, manifest=manifest)

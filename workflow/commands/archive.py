"""Signed-version archives: one BagIt 1.0 package per signature, as a folder and a .zip.

The `bagit` library builds the bag in a staging folder (it moves files in place, ANCHORS.md pitfall
25) and writes ``BagIt-Version: 0.97``; we declare 1.0 (RFC 8493), whose layout is the same, and
rewrite the tag manifests accordingly. Any archivist can check the bag with `bagit.py --validate`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow.commands.lifecycle import ARCHIVE_EVENT, _entry, record, resolve_actor, snapshot
from workflow.errors import MouError
from workflow.process.definition import folders
from workflow.records import history
from workflow.records.store import Store

BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
ALGORITHMS = ("sha256", "sha512")
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

    who = resolve_actor(actor)
    written: list[Archived] = []
    with store.writing(slug):
        snap = snapshot(store, slug)
        done = {a["path"].split("/")[1] for e in snap.entries if e["event"] == ARCHIVE_EVENT for a in e["artifacts"]}
        signed = signature_entries(snap.entries)
        if not signed:
            raise MouError(f"{slug}: nothing signed yet; record a signature with mou sign first")
        for sig in signed:
            kind_dir = next(a["path"] for a in sig["artifacts"] if a["path"].endswith("/signature.json")).split("/")[1]
            name = f"{slug}-{kind_dir}"
            if name in done:
                continue
            target = snap.folder / "archive" / name
            if target.exists():
                raise MouError(f"{target} exists but is not recorded in the history; move it away and run again")
            with tempfile.TemporaryDirectory(prefix="mou-bag-", dir=snap.folder) as tmp:
                staging = Path(tmp) / name
                _stage(snap, sig, staging)
                bag = bagit.make_bag(str(staging), _bag_info(snap, sig, name), checksums=list(ALGORITHMS))
                _declare_bagit_1_0(staging)
                bagit.Bag(str(staging)).validate()
                del bag
                zip_tmp = Path(tmp) / f"{name}.zip"
                _zip(staging, zip_tmp)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging, target)
                os.replace(zip_tmp, target.with_suffix(".zip"))
            artifacts = [
                {"path": f"archive/{name}.zip", "sha256": history.sha256_file(target.with_suffix(".zip"))},
                {"path": f"archive/{name}/manifest-sha256.txt", "sha256": history.sha256_file(target / "manifest-sha256.txt")},
                {"path": f"archive/{name}/manifest-sha512.txt", "sha256": history.sha256_file(target / "manifest-sha512.txt")},
                {
                    "path": f"archive/{name}/tagmanifest-sha256.txt",
                    "sha256": history.sha256_file(target / "tagmanifest-sha256.txt"),
                },
                {
                    "path": f"archive/{name}/tagmanifest-sha512.txt",
                    "sha256": history.sha256_file(target / "tagmanifest-sha512.txt"),
                },
            ]
            note = f"arsip BagIt versi bertanda tangan entri {sig['seq']}"
            entry = _entry(snap, who, None, ARCHIVE_EVENT, snap.state, note, None, artifacts)
            snap.entries.append(record(snap, entry))
            written.append(Archived(name, target, target.with_suffix(".zip")))
    return written


def _stage(snap: Any, sig: dict[str, Any], staging: Path) -> None:
    """Copy into ``staging`` everything that explains the signed version."""
    staging.mkdir(parents=True)
    upto = [e for e in snap.entries if e["seq"] <= sig["seq"]]
    for e in upto:
        for a in e["artifacts"]:
            if a["path"].startswith(("documents/", "signed/", "reviews/")):
                dst = staging / a["path"]
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(snap.folder / a["path"], dst)
    lines = (snap.folder / history.HISTORY_FILE).read_bytes().splitlines(keepends=True)[: sig["seq"]]
    (staging / "history.jsonl").write_bytes(b"".join(lines))
    reviews = [
        {k: e[k] for k in ("seq", "ts", "actor", "role", "event", "from", "to", "note", "data_sha256")}
        for e in upto
        if e["event"].startswith("approve") or (e["event"].startswith("request_") and e["event"].endswith("_changes"))
    ]
    (staging / "reviews.json").write_text(json.dumps(reviews, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    process = snap.process.name
    source = next(f / f"{process}.yaml" for f in folders() if (f / f"{process}.yaml").is_file())
    (staging / "process").mkdir()
    shutil.copy2(source, staging / "process" / source.name)


def _bag_info(snap: Any, sig: dict[str, Any], name: str) -> dict[str, str]:
    details = json.loads(
        (snap.folder / next(a["path"] for a in sig["artifacts"] if a["path"].endswith("/signature.json"))).read_text(
            encoding="utf-8"
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


def _zip(folder: Path, target: Path) -> None:
    """The bag as one .zip whose top folder is the bag's name, with fixed timestamps."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder)}", date_time=_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())


def verify_archives(store: Store, slug: str, entries: list[dict[str, Any]]) -> list[str]:
    """Every recorded archive: the bag validates, its payload matches the history, the zip matches."""
    folder = store.folder(slug)
    problems: list[str] = []
    recorded = {a["path"]: a["sha256"] for e in entries for a in e["artifacts"]}
    for e in entries:
        if e["event"] != ARCHIVE_EVENT:
            continue
        for a in e["artifacts"]:
            path = folder / a["path"]
            if not path.is_file():
                problems.append(f"{path}: missing (recorded in entry {e['seq']})")
            elif history.sha256_file(path) != a["sha256"]:
                problems.append(f"{path}: does not match the SHA-256 recorded in entry {e['seq']}")
        bag_dir = folder / e["artifacts"][1]["path"].rsplit("/", 1)[0]
        if not bag_dir.is_dir():
            continue
        import bagit  # only when there is a bag to check: verify stays light otherwise

        try:
            bagit.Bag(str(bag_dir)).validate()
        except (UnicodeDecodeError, ValueError) as err:  # bagit reads a damaged manifest as text and fails
            problems.append(f"{bag_dir}: bag does not validate: a tag file is not readable text ({err})")
        except bagit.BagError as err:
            details = getattr(err, "details", None) or []
            what = "; ".join(_detail(d) for d in details) or str(err)
            problems.append(f"{bag_dir}: bag does not validate: {what}")
        for payload in sorted((bag_dir / "data").rglob("*")):
            rel = str(payload.relative_to(bag_dir / "data"))
            if payload.is_file() and rel in recorded and history.sha256_file(payload) != recorded[rel]:
                problems.append(f"{payload}: differs from {rel} as recorded in the history")
        copied = bag_dir / "data" / "history.jsonl"
        if copied.is_file():
            current = (folder / history.HISTORY_FILE).read_bytes()
            if not current.startswith(copied.read_bytes()):
                problems.append(f"{copied}: is not the beginning of the agreement's history")
    return problems


def _detail(d: Any) -> str:
    """One bagit validation failure, naming the file and the manifest that disagree."""
    path = getattr(d, "path", None)
    alg = getattr(d, "algorithm", None)
    if path is None or alg is None:
        return str(d)
    manifest = f"manifest-{alg}.txt" if str(path).startswith("data/") else f"tagmanifest-{alg}.txt"
    return f"{path} does not match its {alg} in {manifest}"

"""Publication metadata for JDIH (Jaringan Dokumentasi dan Informasi Hukum) listings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from workflow.commands.archive import signature_entries
from workflow.commands.session import snapshot
from workflow.records.store import FolderStore, Store, write_atomic

JDIH_FIELDS = (
    "jenis",
    "judul",
    "nomor",
    "tanggal",
    "tempat",
    "para_pihak",
    "tentang",
    "status",
    "berlaku_mulai",
    "berlaku_sampai",
)


def jdih_records(store: Store, slug: str) -> list[dict[str, Any]]:
    """One record per signed document: the original first, later adenda marking it 'diubah'."""
    snap = snapshot(store, slug)
    a = snap.terms  # the terms in force: a signed adendum moving the end of term shows here too
    amending = snap.process.amending()
    records: list[dict[str, Any]] = []
    signed = signature_entries(snap.entries)
    for i, e in enumerate(signed):
        details = json.loads(
            store.read(slug, next(x["path"] for x in e["artifacts"] if x["path"].endswith("/signature.json"))).decode("utf-8")
        )
        amended = any(s_e["event"] in amending for s_e in signed[i + 1 :])
        here = snap.process.state(snap.state)
        ended = here.final
        records.append(
            {
                "jenis": "Kerja Sama Daerah",
                "judul": details["title"],
                "nomor": " ; ".join(str(n) for n in details["nomor"]),
                "tanggal": details["signed_on"],
                "tempat": details["place"],
                "para_pihak": f"{a.parties.pemda.name} ; {a.parties.partner.name}",
                "tentang": a.document.subject,
                "status": "Dicabut" if here.revoked else ("Tidak Berlaku" if ended else ("Diubah" if amended else "Berlaku")),
                "berlaku_mulai": a.term.start.isoformat(),
                "berlaku_sampai": a.term.end.isoformat(),
            }
        )
    return records


def export_jdih(store: Store, slug: str, out: Path | None = None) -> list[Path]:
    """Write jdih.json and jdih.csv (to ``out``, else beside the agreement, replacing earlier ones); return their paths."""
    records = jdih_records(store, slug)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=JDIH_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    files = {
        "jdih.json": (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        "jdih.csv": buf.getvalue().encode("utf-8"),
    }
    if out is None and not isinstance(store, FolderStore):
        out = store.path(slug)  # a database keeps records only (written once): the agreement's local folder
    if out is None:  # a listing derived from the records, not one of them: replaced at each export
        for name, data in files.items():
            store.replace(slug, name, data)
        return [store.path(slug, name) for name in files]
    out.mkdir(parents=True, exist_ok=True)  # a folder of the user's choosing, outside the agreements root
    for name, data in files.items():
        write_atomic(out / name, data)
    return [out / name for name in files]

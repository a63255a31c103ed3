"""Publication metadata for JDIH (Jaringan Dokumentasi dan Informasi Hukum) listings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from workflow.commands.archive import signature_entries
from workflow.commands.lifecycle import effective, snapshot
from workflow.records.store import Store, write_atomic

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
    a = effective(snap)  # the terms in force: a signed adendum moving the end of term shows here too
    records: list[dict[str, Any]] = []
    signed = signature_entries(snap.entries)
    for i, e in enumerate(signed):
        details = json.loads(
            (snap.folder / next(x["path"] for x in e["artifacts"] if x["path"].endswith("/signature.json"))).read_text(
                encoding="utf-8"
            )
        )
        amended = any(s_e["event"] == "sign_amendment" for s_e in signed[i + 1 :])
        ended = snap.state in {"completed", "extended", "cancelled"}
        records.append(
            {
                "jenis": "Kerja Sama Daerah",
                "judul": details["title"],
                "nomor": " ; ".join(str(n) for n in details["nomor"]),
                "tanggal": details["signed_on"],
                "tempat": details["place"],
                "para_pihak": f"{a.parties.pemda.name} ; {a.parties.partner.name}",
                "tentang": a.document.subject,
                "status": "Dicabut"
                if snap.state == "cancelled"
                else ("Tidak Berlaku" if ended else ("Diubah" if amended else "Berlaku")),
                "berlaku_mulai": a.term.start.isoformat(),
                "berlaku_sampai": a.term.end.isoformat(),
            }
        )
    return records


def export_jdih(store: Store, slug: str, out: Path | None = None) -> list[Path]:
    """Write jdih.json and jdih.csv; return their paths."""
    records = jdih_records(store, slug)
    folder = out or store.folder(slug)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=JDIH_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    json_path, csv_path = folder / "jdih.json", folder / "jdih.csv"
    write_atomic(json_path, (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    write_atomic(csv_path, buf.getvalue().encode("utf-8"))
    return [json_path, csv_path]

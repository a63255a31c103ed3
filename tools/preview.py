"""Convert every .docx under a folder to PDF and every PDF page to PNG, for looking at layout.

Usage: python tools/preview.py FOLDER   (writes FOLDER/preview/*.pdf and *-N.png)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workflow.documents.pdf import to_pdf


def main(folder: Path) -> int:
    """Write PDFs and PNG pages of every .docx under ``folder``."""
    docs = sorted(p for p in folder.rglob("*.docx") if "preview" not in p.parts)
    out = folder / "preview"
    for pdf in to_pdf(docs, out):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / pdf.stem)], check=True)
        print(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "mou-demo")))

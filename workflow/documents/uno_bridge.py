"""The bridge between a warm LibreOffice and ``workflow.documents.warm``: run by the system Python, which has ``uno``.

    /usr/bin/python3 uno_bridge.py PORT [CONNECT_SECONDS [OFFICE_GROUP [WORK_FOLDER]]]

It connects to the LibreOffice listening on 127.0.0.1:PORT (retrying while it starts), writes one line
``{"ready": true}``, then reads requests one JSON line at a time from stdin and answers each with one
JSON line on stdout:

    {"source": "/abs/in.docx", "target": "/abs/out.pdf", "filter": {"SelectPdfVersion": {"type": "long", "value": "2"}}}
    {"ok": true}  or  {"ok": false, "error": "what LibreOffice said"}

``filter`` is the writer_pdf_Export FilterData in the JSON form ``soffice --convert-to`` takes. When the
connection to LibreOffice is lost the bridge answers ``{"ok": false, "error": ..., "lost": true}`` and
exits 3; the caller starts both again. Standard library and ``uno`` only: this file is not imported by
the ``workflow`` package (the venv's Python has no ``uno``), only run.

With OFFICE_GROUP (the process group of the LibreOffice it drives), the bridge ends that group when it
ends itself, and removes WORK_FOLDER (the office's private profile): when the process that started both
dies without closing them (killed, a server stopped hard), its end of stdin closes, the loop ends and no
LibreOffice is left running without an owner.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import signal
import sys
import time
from typing import Any

LOST = 3
"""Exit status when the connection to LibreOffice is lost."""


def _uno() -> Any:
    """Debian's ``uno`` module (python3-uno), imported when run: every module of the package must import in the venv."""
    return importlib.import_module("uno")


def _props(**values: Any) -> tuple[Any, ...]:
    """A tuple of com.sun.star.beans.PropertyValue."""
    uno = _uno()
    out = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name = name
        prop.Value = value
        out.append(prop)
    return tuple(out)


def _filter_data(settings: dict[str, dict[str, str]]) -> Any:
    """The JSON filter options of ``--convert-to pdf:writer_pdf_Export:{...}`` as a typed PropertyValue sequence."""
    values: dict[str, Any] = {}
    for name, spec in settings.items():
        kind, value = spec["type"], spec["value"]
        values[name] = value == "true" if kind == "boolean" else int(value) if kind == "long" else value
    # typed, or pyuno passes a sequence of any that the PDF export ignores
    return _uno().Any("[]com.sun.star.beans.PropertyValue", _props(**values))


def connect(port: int, seconds: float) -> Any:
    """The desktop of the LibreOffice listening on ``port``, waiting up to ``seconds`` for it to listen."""
    local = _uno().getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + seconds
    while True:
        try:
            ctx = resolver.resolve(url)
            break
        except Exception:  # NoConnectException while soffice starts
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def convert(desktop: Any, source: str, target: str, settings: dict[str, dict[str, str]]) -> None:
    """Load ``source`` as ``soffice --convert-to`` does (hidden, read-only, silent) and export it to ``target``."""
    uno = _uno()
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0, _props(Hidden=True, ReadOnly=True, Silent=True)
    )
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {source}")
    try:
        store = {"Overwrite": True, "FilterName": "writer_pdf_Export"}
        if settings:
            store["FilterData"] = _filter_data(settings)
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(target), _props(**store)))
    finally:
        try:
            doc.close(True)
        except Exception:
            doc.dispose()


_TINY_DOCX = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>',
    "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>Kesepakatan Bersama</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p/></w:body></w:document>",
}
"""A one-line .docx with a table: converting it once loads the .docx import and the PDF export."""


def warm_up(desktop: Any) -> None:
    """Convert a tiny .docx once, so the first real conversion finds the import and export filters loaded."""
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory(prefix="mou-warm-up-") as tmp:
        with zipfile.ZipFile(tmp + "/warm-up.docx", "w") as docx:
            for name, text in _TINY_DOCX.items():
                docx.writestr(name, text)
        convert(desktop, tmp + "/warm-up.docx", tmp + "/warm-up.pdf", {"SelectPdfVersion": {"type": "long", "value": "2"}})


def alive(desktop: Any) -> bool:
    """Whether the connection to LibreOffice still answers."""
    try:
        desktop.getFrames()
    except Exception:
        return False
    return True


def answer(reply: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


def end_office(group: int, work: str | None, grace: float = 5.0) -> None:
    """End the process group ``group`` (SIGTERM, then SIGKILL after ``grace`` seconds) and remove ``work``."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            os.killpg(group, 0)  # raises ProcessLookupError once the whole group is gone
            time.sleep(0.1)
        os.killpg(group, signal.SIGKILL)
    if work:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    group = int(argv[3]) if len(argv) > 3 else None
    work = argv[4] if len(argv) > 4 else None
    try:
        return serve(argv)
    finally:
        if group is not None:
            end_office(group, work)


def serve(argv: list[str]) -> int:
    port = int(argv[1])
    seconds = float(argv[2]) if len(argv) > 2 else 60.0
    try:
        desktop = connect(port, seconds)
    except Exception as err:
        answer({"ready": False, "error": str(err) or type(err).__name__})
        return LOST
    try:
        warm_up(desktop)
    except Exception:
        if not alive(desktop):
            answer({"ready": False, "error": "LibreOffice stopped while warming up"})
            return LOST
    answer({"ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            convert(desktop, request["source"], request["target"], request.get("filter") or {})
        except Exception as err:
            message = getattr(err, "Message", "") or str(err) or type(err).__name__
            if not alive(desktop):
                answer({"ok": False, "error": message, "lost": True})
                return LOST
            answer({"ok": False, "error": message})
        else:
            answer({"ok": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

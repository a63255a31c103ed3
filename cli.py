"""The `mou` command: a thin click shell over the `workflow` library.

Each command parses its arguments, calls one use case of the public API (``workflow.<name>``, the same
names a web application uses) and prints the result. The top-level group reads the settings once (the
environment, then the options over it), activates them for the command and opens the one store.

A domain error (``MouError``) prints ``Error: ...`` lines on stderr, then the command-line hint for it
when ``HINTS`` has one, and exits 1; usage errors exit 2. The library states facts and rules; which
flag or command helps is the CLI's to say.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

import workflow
from workflow import i18n

_, N_, ngettext = i18n.gettext, i18n.N_, i18n.ngettext

F = TypeVar("F", bound=Callable[..., Any])

HINTS: dict[str, str] = {
    # What to do next, printed as a ``Hint:`` line after an error's ``Error:`` lines. The key is the
    # error's ``rule`` or the name of its class (or of a base class); the rule is looked up first. The
    # text is a ``str.format`` template: ``{e.attr}`` is an attribute of the error, ``{name}`` one of its
    # ``figures``. One line per hint.
    "ActorUnknown": N_("say who acts: --as NAME or MOU_ACTOR=NAME"),
    "SignatureNeedsFiles": N_("use mou sign {e.slug} --document {e.document} --file SIGNED.pdf --date YYYY-MM-DD"),
    "NoDocumentsHere": N_("choose one with --stage"),
    "graphviz": N_("install it with: sudo apt-get install graphviz (or use --format mermaid)"),
    "archive.nothing_signed": N_("record a signature with mou sign first"),
    "checkpoint.key_exists": N_("choose another file: a key pair is made once, and its private key kept off the server"),
    "checkpoint.key": N_("mou checkpoint --new-key FILE makes a key pair: FILE signs, FILE.pub verifies"),
    "checkpoint.none_stored": N_("make one with mou checkpoint --key FILE"),
    "checkpoint.not_found": N_("mou checkpoint lists the stored checkpoints"),
    "archive.unrecorded": N_("move it away and run again"),
    "diff.versions": N_("mou history {slug} lists the versions"),
    "diff.several": N_("choose one with --document NAME"),
    "demo.out": N_("choose another --out"),
    "output.exists": N_("mou diff never replaces a file: choose another name for --{e.kind}"),
    "stage.made_by.monitoring": N_("mou report SLUG --period 2025-Q3 renders it with the figures of the period"),
    "account.unknown": N_("mou user list shows the accounts"),
    "account.exists": N_("mou user list shows the accounts; mou user passwd {login} gives it a new password"),
    "stage.made_by.santunan": N_("mou log SLUG santunan --nik NIK --heir NAME --amount N renders it with the handover's figures"),
}


def hint_for(err: workflow.MouError) -> str | None:
    """The command-line hint for ``err`` from ``HINTS``: by its rule first, then by its class and base classes."""
    keys = [err.rule] if err.rule else []
    keys += [cls.__name__ for cls in type(err).__mro__]
    template = next((HINTS[key] for key in keys if key in HINTS), None)
    if template is None:
        return None
    template = _(template)
    try:
        return template.format_map({**err.figures, "e": err})
    except (AttributeError, KeyError, IndexError, ValueError):
        return None  # a hint naming what this error does not carry: the message alone still says what is wrong


def print_error(err: workflow.MouError) -> None:
    """``Error:`` and every line of the message on stderr, then the hint, if any."""
    for line in str(err).splitlines() or [type(err).__name__]:
        click.echo(_("Error: {message}").format(message=line), err=True)
    hint = hint_for(err)
    if hint:
        click.echo(_("Hint: {hint}").format(hint=hint), err=True)


def _with_usage(err: click.UsageError, ctx: click.Context) -> None:
    """Give a usage error its command's context, so it prints the ``Usage:`` line.

    click's option parser raises some (``Option '--stage' requires an argument.``) without one.
    """
    if err.ctx is None:
        err.ctx = ctx


class _ShowsUsage(click.Command):
    """Every usage error of the command shows its ``Usage:`` line (and exits 2); its help is shown in the
    reader's language."""

    def get_help(self, ctx: click.Context) -> str:
        localize(ctx.find_root().command)  # only when help is shown: a command that runs needs none of it
        return super().get_help(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            _with_usage(err, ctx)
            raise


class MouCommand(_ShowsUsage):
    """A command whose every usage error shows its ``Usage:`` line and exits 2."""


def help_texts(command: click.Command) -> Iterator[tuple[click.Command | click.Parameter, str, str]]:
    """Every help text of ``command`` and its sub-commands: (owner, attribute, English text).

    The English text, cleaned as click shows it, is the catalog's message id; ``make i18n`` extracts
    them from this walk, and ``localize`` puts their translations in place before a command runs.
    """
    import inspect

    sources: dict[str, str] = command.__dict__.setdefault("_mou_sources", {})
    for attribute in ("help", "short_help", "epilog"):
        text = sources.get(attribute, getattr(command, attribute, None))
        if text:
            sources[attribute] = text
            yield command, attribute, inspect.cleandoc(text)
    for param in command.params:
        param_sources: dict[str, str] = param.__dict__.setdefault("_mou_sources", {})
        text = param_sources.get("help", getattr(param, "help", None))
        if text:
            param_sources["help"] = text
            yield param, "help", inspect.cleandoc(text)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from help_texts(sub)


def localize(command: click.Command) -> None:
    """Put the active language's help texts on ``command`` and every sub-command and option."""
    for owner, attribute, text in list(help_texts(command)):
        setattr(owner, attribute, _(text))


class MouGroup(_ShowsUsage, click.Group):
    """Turns every domain error into ``Error:`` lines (and a ``Hint:``) on stderr and exit code 1.

    Its commands are ``MouCommand`` and its sub-groups ``MouGroup``, so usage errors everywhere
    print the ``Usage:`` line and exit 2. Run as the top-level command, it first chooses the language
    (``MOU_LANG``, then ``LANGUAGE``/``LC_ALL``/``LANG``, else Indonesian) and shows every text in it.
    """

    command_class = MouCommand
    group_class = type

    def main(self, *args: Any, **kwargs: Any) -> Any:
        i18n.install_click()  # click's own strings ("Usage:", "Error:", option errors) through the catalog
        with i18n.use_language(workflow.config.current_language()):
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except workflow.MouError as err:
            print_error(err)
            ctx.exit(1)


# --- options shared by several commands: declared once -------------------------------------------


def actor_option(does: str) -> Callable[[F], F]:
    """``--as NAME``: who acts; ``does`` completes "Who ..." for the command (e.g. ``"renders"``)."""
    return click.option(
        "--as",
        "actor",
        metavar="NAME",
        help=f"Who {does}: a name from people: in agreement.yaml (default: MOU_ACTOR, else your login name).",
    )


def json_option(what: str = "the result") -> Callable[[F], F]:
    """``--json``: print ``what`` as JSON instead of text (every listing has it)."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON.")


def note_option(about: str) -> Callable[[F], F]:
    """``--note TEXT``: a comment recorded with the history entry; ``about`` says what it holds."""
    return click.option("--note", default="", help=f"A comment recorded with the entry ({about}).")


# --- what every command shares: the settings and the store, made once ----------------------------


@dataclass(frozen=True)
class Invocation:
    """What the top-level group prepared for the command: the settings in force and the store they name."""

    settings: workflow.Settings
    store: workflow.Store


def _store(ctx: click.Context, slug: str | None = None) -> workflow.Store:
    """The store of this invocation; with ``slug``, first make sure that agreement exists.

    Checking here, before anything else the command needs (an actor, a file, an event), makes an
    unknown slug always the same one-line error naming the agreements that do exist, exit 1, with
    nothing written.
    """
    invocation = ctx.find_object(Invocation)
    assert invocation is not None, "a command runs under the mou group, which prepares the invocation"
    store = invocation.store
    if slug is not None:
        store.agreement_file(slug)  # raises AgreementNotFound listing the known slugs
    return store


def _plain(obj: Any) -> Any:
    """Dataclasses, dates and tuples as JSON-ready values."""
    import dataclasses
    from datetime import date

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def _echo_json(obj: Any) -> None:
    click.echo(_json_text(obj), nl=False)


def _json_text(obj: Any) -> str:
    return json.dumps(_plain(obj), indent=2, ensure_ascii=False) + "\n"


def _write_file(path: Path, data: bytes) -> None:
    """Write a file the user named outside the agreements (``--ics``): whole, or not at all."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@click.group(cls=MouGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(workflow.__version__, prog_name="mou")
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    help="Where agreements live: a folder, sqlite:///path/mou.db or postgresql://user@host/db "
    "(default: MOU_STORE, else the --root folder).",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding one sub-folder per agreement (default: MOU_ROOT, else ./agreements).",
)
@click.pass_context
def main(ctx: click.Context, store_url: str | None, root: Path | None) -> None:
    """Draft, render and check Memoranda of Understanding (Kesepakatan Bersama) of a Pemda.

    \b
    Example:
        mou demo                         # the Buton x BPJS Ketenagakerjaan example, on a copy
        mou check buton-bpjstk-2025      # validate data and templates
        mou render buton-bpjstk-2025 --stage draft_kb
    """
    settings = workflow.Settings.from_environment()  # the environment, read once for the whole command
    if root is not None and store_url is not None:
        raise click.UsageError(_("give --store or --root, not both (--root FOLDER is --store FOLDER)"))
    if root is not None:
        settings = settings.but(root=root, store=None)
    elif store_url is not None:
        settings = settings.but(store=store_url)
    ctx.with_resource(workflow.use_settings(settings))  # in force until the command ends
    store = workflow.open_store(settings.store_location())
    ctx.call_on_close(store.close)
    ctx.obj = Invocation(settings, store)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=True, path_type=Path),
    default="mou-demo",
    show_default=True,
    help="Folder for the copy and its documents (replaced if it holds an earlier demo).",
)
def demo(out: Path) -> None:
    """Walk the embedded Buton x BPJS Ketenagakerjaan example from FGD to monitoring, on a copy.

    Renders the FGD documents (undangan, daftar hadir, notulen), fires the KSDPK steps, drafts the
    Kesepakatan Bersama (v1), records a legal review that requests changes, drafts v2, approves it,
    signs it (final text as PDF/A, a generated stand-in scan marked CONTOH), archives it as a BagIt
    package, signs the PKS, imports 1.000 synthetic participants, logs three months of payments, a
    JKM claim and its santunan, and renders the 2025-Q3 monitoring report. The shipped example is
    never changed.

    \b
    Example:
        mou demo --out /tmp/buton
    """
    result = workflow.demo(out)
    click.echo(_("Copied the example to {root}").format(root=result.root))
    for step in result.steps:
        click.echo(step.what)
        for doc in step.documents:
            click.echo(f"  {doc.path}")
    click.echo(_("State: {state}. KPIs at the end of 2025-Q3:").format(state=_demo_state(result)))
    click.echo(_kpi_text(result.kpis))
    click.echo(_("What changed from KB draft v1 to v2 (mou diff):"))
    for line in result.diff:
        click.echo(f"  {line}")


@main.command()
@click.argument("slug")
@click.option("--from", "from_slug", metavar="SLUG", help="Start from a copy of this agreement's data.")
@click.option("--extends", metavar="SLUG", help="Start a new cycle of this agreement (copies it and links back).")
@click.pass_context
def new(ctx: click.Context, slug: str, from_slug: str | None, extends: str | None) -> None:
    """Create ROOT/SLUG/agreement.yaml: a commented skeleton, or a copy of another agreement.

    \b
    Example:
        mou new buteng-bpjstk-2026 --from buton-bpjstk-2025
        mou new buton-bpjstk-2027 --extends buton-bpjstk-2025
    """
    store = _store(ctx)
    path = workflow.new(store, slug, from_slug, extends)
    if isinstance(store, workflow.FolderStore):
        click.echo(_("Created {path}").format(path=path))
        click.echo(_("Next: edit it, then run `mou check {slug}`.").format(slug=slug))
    else:  # in a database the data is edited through the tool, each change recorded
        click.echo(_("Created {slug} in {url}").format(slug=slug, url=store.url))
        click.echo(
            _("Next: `mou data get {slug} > agreement.yaml`, edit it, then `mou data put {slug} agreement.yaml`.").format(
                slug=slug
            )
        )


@main.command()
@click.argument("slug", required=False)
@json_option("the report")
@click.pass_context
def check(ctx: click.Context, slug: str | None, as_json: bool) -> None:
    """Validate agreement data (one or all), the catalogue and every template; list every problem.

    \b
    Example:
        mou check buton-bpjstk-2025
    """
    report = workflow.check_project(_store(ctx, slug), slug)
    if as_json:
        _echo_json(report)
    else:
        for line in report.checked:
            click.echo(_("checked {what}").format(what=line))
    if report.problems:
        raise workflow.MouError("\n".join(report.problems))
    if not as_json:
        click.echo(_("No problems found."))


@main.command()
@click.argument("slug", required=False)
@click.option(
    "--stage", "stages", multiple=True, metavar="STAGE", help="Stage to render (repeatable; default: the current state's)."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Export under DIR/<stage>/ instead of the agreement's documents/ folder (not recorded in the history).",
)
@click.option("--all", "every", is_flag=True, help="Render every agreement under the root (templates compiled once).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --all: worker processes (one per core is fastest).",
)
@actor_option("renders")
@click.pass_context
def render(
    ctx: click.Context, slug: str | None, stages: tuple[str, ...], out: Path | None, every: bool, workers: int, actor: str | None
) -> None:
    """Render the documents of the current stage (or --stage) as new versions v1, v2, ...

    Never overwrites a version; each render is recorded in the history with every file's SHA-256.
    With --all, every agreement is rendered the same way (each one whole or not at all); a progress
    bar shows on a terminal, and failures are listed at the end.

    \b
    Example:
        mou render buton-bpjstk-2025 --stage draft_kb
        mou render buton-bpjstk-2025 --stage fgd --out /tmp/fgd
        mou render --all --stage fgd --workers 2
    """
    if every:
        if slug or out:
            raise click.UsageError(_("--all renders every agreement in place: give no SLUG and no --out"), ctx)
        _render_all(ctx, list(stages) or None, workers, actor)
        return
    if not slug:
        raise click.UsageError(_("say which agreement to render (mou render SLUG), or --all for every one"), ctx)
    for doc in workflow.render(_store(ctx, slug), slug, list(stages) or None, out, actor):
        click.echo(f"{doc.title} (v{doc.version}): {doc.path}")


def _render_all(ctx: click.Context, stages: list[str] | None, workers: int, actor: str | None) -> None:
    store = _store(ctx)
    slugs = list(store.slugs())
    if not slugs:
        raise workflow.MouError(_("no agreements under {root}").format(root=store.root))
    if sys.stderr.isatty():  # the bar only where a person watches; logs and pipes get the summary alone
        with click.progressbar(length=len(slugs), label=_("Rendering"), file=sys.stderr, show_pos=True, show_eta=True) as bar:
            outcomes = workflow.render_all(store, slugs, stages, actor, workers=workers, progress=lambda _o: bar.update(1))
    else:
        outcomes = workflow.render_all(store, slugs, stages, actor, workers=workers)
    failed = [o for o in outcomes if o.error]
    skipped = [o for o in outcomes if o.skipped]
    for o in outcomes:
        if o.skipped:
            click.echo(_("{slug}: nothing to render in state {state}").format(slug=o.slug, state=o.skipped))
        elif not o.error:
            versions = sorted({v for _t, v, _p in o.documents})
            shown = "v" + ", v".join(map(str, versions))
            click.echo(_("{slug}: {n} documents ({versions})").format(slug=o.slug, n=len(o.documents), versions=shown))
    done = sum(len(o.documents) for o in outcomes)
    rendered = len(outcomes) - len(failed) - len(skipped)
    click.echo(_("{done} documents of {agreements} agreements rendered").format(done=done, agreements=rendered))
    if failed:
        for o in failed:
            click.echo(f"{o.slug}: {o.error}", err=True)
        raise workflow.MouError(
            _("{failed} of {total} agreements were not rendered (listed above); the others were").format(
                failed=len(failed), total=len(outcomes)
            )
        )


@main.command()
@click.argument("slug")
@click.argument("event")
@actor_option("fires the event")
@note_option("e.g. the reviewer's requests")
@click.pass_context
def advance(ctx: click.Context, slug: str, event: str, actor: str | None, note: str) -> None:
    """Fire EVENT: refused with every failing guard's reason, or recorded in the history.

    \b
    Example:
        mou advance buton-bpjstk-2025 hold_fgd --as "Dinas Tenaga Kerja Kabupaten Buton"
        mou advance buton-bpjstk-2025 request_kb_changes --as "Bagian Hukum Setda Kabupaten Buton" \\
            --note "Pasal 5: sebutkan DPA"
    """
    store = _store(ctx, slug)
    entry = workflow.advance(store, slug, event, actor, note)
    titles = _titles(store, slug)
    said = {"slug": slug, "event": _named(event, titles.events.get(event)), "actor": entry["actor"], "role": entry["role"]}
    said |= {"seq": entry["seq"], "dest": _named(entry["to"], titles.states.get(entry["to"]))}
    if entry["from"] != entry["to"]:
        line = _("{slug}: {event} by {actor} ({role}): {source} -> {dest} [entry {seq}]")
        click.echo(line.format(**said, source=_named(entry["from"], titles.states.get(entry["from"]))))
    else:
        click.echo(_("{slug}: {event} by {actor} ({role}): stays in {dest} [entry {seq}]").format(**said))
    for artifact in entry["artifacts"]:
        click.echo(f"  {artifact['path']}")


@main.command()
@click.argument("slug")
@click.option(
    "--document",
    "kind",
    metavar="DOC",
    default="kb",
    show_default=True,
    help="Which document was signed: one the agreement's process declares (ksdpk: kb, pks, adendum).",
)
@click.option(
    "--file",
    "files",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The signed scan or e-signed PDF (repeatable).",
)
@click.option(
    "--date",
    "signed_on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date of signing, YYYY-MM-DD; must be the date the document states (default: that date).",
)
@click.option("--place", help="Place of signing (default: signing.place of the agreement).")
@click.option("--meterai/--no-meterai", default=True, show_default=True, help="The original carries the stamp duty (meterai).")
@click.option(
    "--trust",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder of the root certificates (PEM/DER) an e-signed PDF must chain to (default: MOU_TRUST).",
)
@actor_option("records the signature")
@click.pass_context
def sign(
    ctx: click.Context,
    slug: str,
    kind: str,
    files: tuple[Path, ...],
    signed_on: Any,
    place: str | None,
    meterai: bool,
    trust: Path | None,
    actor: str | None,
) -> None:
    """Record a signature: final text and its PDF/A, the signed PDF(s), and freeze the signed fields.

    Refused, with every reason, unless the review approved exactly this data, both nomor and every
    signatory are complete, and the date is neither before the approval nor in the future.

    A PDF signed electronically (TTE) must begin with the text `mou finalize` recorded for this data;
    every signature is validated offline against the trust roots (--trust or MOU_TRUST), and every
    signatory must have signed.

    \b
    Example:
        mou sign buton-bpjstk-2025 --file kb-ttd.pdf --date 2025-06-24 --as "Bagian Kerja Sama Setda Kabupaten Buton"
        mou sign buton-bpjstk-2025 --file kb-tte.pdf --trust /etc/mou/trust --as "Bagian Kerja Sama Setda Kabupaten Buton"
    """
    day = signed_on.date() if signed_on else None
    store = _store(ctx, slug)
    entry = workflow.sign(store, slug, kind, list(files), day, place=place, meterai=meterai, actor=actor, trust=trust)
    click.echo(
        _("{slug}: {event} by {actor}: {source} -> {dest} [entry {seq}]").format(
            slug=slug, event=entry["event"], actor=entry["actor"], source=entry["from"], dest=entry["to"], seq=entry["seq"]
        )
    )
    for artifact in entry["artifacts"]:
        click.echo(f"  {artifact['path']}  sha256 {artifact['sha256'][:16]}")


@main.command()
@click.argument("slug")
@click.option(
    "--document",
    metavar="DOC",
    default="kb",
    show_default=True,
    help="Which document: one the agreement's process declares (ksdpk: kb, pks, adendum).",
)
@json_option("the PDF's path and SHA-256")
@actor_option("finalizes the text (one who may record its signature)")
@click.pass_context
def finalize(ctx: click.Context, slug: str, document: str, as_json: bool, actor: str | None) -> None:
    """Render the final text from the approved data as PDF/A-2b: the file to sign in the TTE application.

    The same checks as mou sign, without the signed files and the date. Sign the printed PDF in the TTE
    application, then record the signed PDF with mou sign --file.

    \b
    Example:
        mou finalize buton-bpjstk-2025 --document kb --as "Bagian Kerja Sama Setda Kabupaten Buton"
    """
    done = workflow.finalize(_store(ctx, slug), slug, document, actor)
    if as_json:
        _echo_json({"pdf": str(done.pdf), "sha256": done.sha256})
        return
    click.echo(str(done.pdf))


@main.command()
@click.argument("slug")
@actor_option("archives")
@click.pass_context
def archive(ctx: click.Context, slug: str, actor: str | None) -> None:
    """Package every signed version as a BagIt 1.0 bag (folder and .zip) under archive/.

    Each bag holds the signed PDF, the final .docx and its PDF/A, the data as signed, the history up
    to the signature, every draft, the review record and the process definition. Check it anywhere
    with `bagit.py --validate FOLDER`.

    \b
    Example:
        mou archive buton-bpjstk-2025
    """
    written = workflow.archive(_store(ctx, slug), slug, actor)
    if not written:
        click.echo(_("{slug}: every signed version is already archived.").format(slug=slug))
    for item in written:
        click.echo(f"{item.folder}")
        click.echo(f"{item.zip}")


@main.command()
@click.argument("slug")
@click.option("--jdih", is_flag=True, required=True, help="Write the JDIH listing metadata (the only format so far).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for jdih.json and jdih.csv (default: the agreement's).",
)
@click.pass_context
def export(ctx: click.Context, slug: str, jdih: bool, out: Path | None) -> None:
    """Write publication metadata for a JDIH site: jenis, nomor, tanggal, para pihak, tentang, status.

    \b
    Example:
        mou export buton-bpjstk-2025 --jdih
    """
    for path in workflow.export_jdih(_store(ctx, slug), slug, out):
        click.echo(str(path))


@main.command()
@click.argument("slug")
@json_option()
@click.pass_context
def status(ctx: click.Context, slug: str, as_json: bool) -> None:
    """Show the state, what may happen next and what blocks it, documents and due dates.

    \b
    Example:
        mou status buton-bpjstk-2025
    """
    click.echo(_remembered("status", ctx, slug, as_json, _status_text), nl=False)


def _status_text(store: workflow.Store, slug: str | None, as_json: bool) -> str:
    assert slug is not None
    st = workflow.status(store, slug)
    if as_json:
        return _json_text(st)
    states = st.state_titles
    out = [
        _("{slug}: {state} ({title}) - process {process}, {entries} history entries").format(
            slug=st.slug, state=st.state, title=st.title, process=st.process, entries=st.entries
        )
    ]
    if st.final:
        out.append(_("This is a final state: nothing more can happen."))
    if st.adenda:
        out.append(
            ngettext(
                "Terms in force: the signed text and {n} signed adendum.",
                "Terms in force: the signed text and {n} signed adenda.",
                st.adenda,
            ).format(n=st.adenda)
        )
    if st.events:
        out.append(_("Next:"))
    for ev in st.events:
        mark = _("ready") if not ev.blockers else _("blocked: {reasons}").format(reasons="; ".join(ev.blockers))
        shown = {"event": _named(ev.trigger, ev.title), "roles": ", ".join(ev.roles), "mark": mark}
        if ev.dest != st.state:
            out.append(_("  {event} -> {dest} [{roles}] {mark}").format(**shown, dest=_named(ev.dest, states.get(ev.dest))))
        else:
            out.append(_("  {event} (stays) [{roles}] {mark}").format(**shown))
        if not ev.blockers and ev.actor:
            out.append(_("    run: {command}").format(command=ev.command))
        elif not ev.blockers:
            line = _("    run: {command} (nobody in people: holds {roles})")
            out.append(line.format(command=ev.command, roles=_either(ev.roles)))
    if st.monitoring:
        out.append(_("Monitoring (participants, payments, reports):"))
        out += [f"  {command}" for command in st.monitoring]
    if st.documents:
        out.append(_("Documents of this stage:"))
        out += [f"  {doc}" for doc in st.documents]
    if st.due:
        out.append(_("Due:"))
        out += [f"  {i18n.day(item.when)} {item.text}" for item in st.due]
    return "\n".join(out) + "\n"


def _named(token: str, title: str | None) -> str:
    """A state or event as the reader knows it: in Indonesian its title (from the process) with the token
    beside it (``Telaah hukum rancangan Kesepakatan Bersama (kb_legal_review)``); in English the token."""
    if title and i18n.language() == "id":
        return f"{title} ({token})"
    return token


def _titles(store: workflow.Store, slug: str) -> workflow.Titles:
    """The titles of the agreement's process, read where they are shown (in Indonesian); none in English."""
    if i18n.language() == i18n.SOURCE:
        return workflow.Titles({}, {})
    try:
        return workflow.process_titles(workflow.status(store, slug).process)
    except workflow.MouError:  # the tokens alone still say it
        return workflow.Titles({}, {})


def _either(items: list[str]) -> str:
    """``a or b or c`` in the reader's language."""
    text = items[0] if items else ""
    for item in items[1:]:
        text = _("{first} or {last}").format(first=text, last=item)
    return text


def _demo_state(result: Any) -> str:
    """The state the demo ended in: in Indonesian its title beside the token."""
    if i18n.language() != "id":
        return str(result.state)
    try:
        with workflow.open_store(str(result.root)) as store:
            return _named(result.state, workflow.status(store, result.slug).title)
    except workflow.MouError:
        return str(result.state)


def _remembered(kind: str, ctx: click.Context, slug: str | None, as_json: bool, text: Callable[..., str]) -> str:
    """A read-only view's text, answered from the per-user memo when none of its inputs changed
    (``workflow.remembered``): a repeated `mou status` or `mou list` starts as fast as `mou --help`."""
    store = _store(ctx, slug) if slug else _store(ctx)
    variant = ["json" if as_json else "text", i18n.language()]  # the text is in the reader's language
    return workflow.remembered(kind, store, slug, variant, lambda: text(store, slug, as_json), code=(Path(__file__),))


@main.command()
@click.argument("slug")
@json_option("the entries (a list of the history's objects)")
@click.pass_context
def history(ctx: click.Context, slug: str, as_json: bool) -> None:
    """Show who did what and when: every entry of the agreement's history.

    \b
    Example:
        mou history buton-bpjstk-2025
    """
    found = workflow.entries(_store(ctx, slug), slug)
    if as_json:
        _echo_json(found)
        return
    titles = _titles(_store(ctx, slug), slug)
    for e in found:
        e = {**e, "event": _named(e["event"], titles.events.get(e["event"]))}
        e |= {"from": _named(e["from"], titles.states.get(e["from"])), "to": _named(e["to"], titles.states.get(e["to"]))}
        moved = f"{e['from']} -> {e['to']}" if e["from"] != e["to"] else e["to"]
        who = f"{e['actor']}" + (f" ({e['role']})" if e["role"] else "")
        if isinstance(e.get("account"), dict):
            who += " " + _("[web: {login}]").format(login=e["account"]["login"])
        click.echo(f"{e['seq']:>4}  {e['ts']}  {e['event']:<22} {moved:<36} {who}")
        if e["note"]:
            click.echo(_("      note: {note}").format(note=e["note"]))
        for artifact in e["artifacts"]:
            click.echo(f"      {artifact['path']}  sha256 {artifact['sha256'][:16]}")


@main.command()
@click.argument("slug", required=False)
@click.option(
    "--checkpoint",
    metavar="FILE",
    help="Also prove every history still extends this signed checkpoint: a file, a stored checkpoint's name, or latest.",
)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The public key the checkpoint must be signed with (the .pub of mou checkpoint --new-key).",
)
@click.pass_context
def verify(ctx: click.Context, slug: str | None, checkpoint: str | None, public_key: Path | None) -> None:
    """Prove the history is intact: hashes, chain, head, replay, and every recorded file's bytes.

    Exit 1 naming the first broken entry. With --checkpoint and --public-key, also prove that every
    history still extends the heads the checkpoint signed: a history rewritten before it fails.

    \b
    Example:
        mou verify buton-bpjstk-2025
        mou verify            # every agreement under --root
        mou verify --checkpoint latest --public-key /secure/mou-key.pub
    """
    if (checkpoint is None) != (public_key is None):
        raise click.UsageError(_("--checkpoint and --public-key go together"), ctx=ctx)
    store = _store(ctx, slug)
    found = _find_checkpoint(store, checkpoint, public_key) if checkpoint is not None and public_key is not None else None
    slugs = [slug] if slug else list(store.slugs())
    problems = []
    for s in slugs:
        result = workflow.verify(store, s)
        if result.problem or result.frozen:
            problems += ([result.problem] if result.problem else []) + result.frozen
        else:
            line = _("{slug}: ok - {entries} entries, state {state}, {documents} documents match")
            click.echo(line.format(slug=s, entries=result.entries, state=result.state, documents=result.documents))
    if found is not None and public_key is not None:
        problems += _verify_checkpoint(store, found, public_key, slug)
    if problems:
        raise workflow.MouError("\n".join(problems))


def _find_checkpoint(store: workflow.Store, which: str, public_key: Path) -> tuple[str, bytes]:
    """(name, bytes) of the checkpoint, found and its public key read before any agreement is verified."""
    name, data = workflow.find_checkpoint(store, which)
    workflow.open_checkpoint(data, public_key.read_bytes(), key_name=str(public_key), name=name)  # a bad key file: at once
    return name, data


def _verify_checkpoint(store: workflow.Store, found: tuple[str, bytes], public_key: Path, slug: str | None) -> list[str]:
    """The checkpoint's problems; when there are none, print the line saying what it proved."""
    name, data = found
    pem = public_key.read_bytes()
    problems = workflow.verify_checkpoint(store, data, pem, key_name=str(public_key), name=name, slugs=[slug] if slug else None)
    if not problems:
        opened, _problem = workflow.open_checkpoint(data, pem, key_name=str(public_key), name=name)
        assert opened is not None
        held = len([s for s in opened.agreements if slug in (None, s)])
        line = _("checkpoint {name} of {time}: ok - {agreements}, each extending its signed head (fingerprint {fingerprint})")
        click.echo(line.format(name=name, time=opened.time, agreements=_agreements(held), fingerprint=opened.fingerprint))
    return problems


def _agreements(n: int) -> str:
    return ngettext("{n} agreement", "{n} agreements", n).format(n=n)


@main.command()
@click.option(
    "--new-key",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Make a key pair: FILE (private, mode 0600) and FILE.pub (public); never replaces a file.",
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Sign a checkpoint with this private key (from mou checkpoint --new-key).",
)
@json_option("the checkpoint (fingerprint, name, time, agreements)")
@click.pass_context
def checkpoint(ctx: click.Context, new_key: Path | None, key: Path | None, as_json: bool) -> None:
    """Sign every agreement's head (entry count and hash) at this UTC time, kept in the store.

    Prints a short fingerprint to print in the monev report or send to the partner. Later, mou verify
    --checkpoint with the public key proves no history was rewritten before it. Keep the private key off
    the server (a USB stick in the Bagian Hukum safe): whoever holds it can sign checkpoints. Without
    an option, lists the checkpoints kept in the store.

    \b
    Example:
        mou checkpoint --new-key /media/usb/mou-key      # once: writes mou-key and mou-key.pub
        mou checkpoint --key /media/usb/mou-key          # e.g. monthly
        mou checkpoint                                   # the checkpoints kept in the store
        mou verify --checkpoint latest --public-key mou-key.pub
    """
    if new_key is not None and key is not None:
        raise click.UsageError(_("give --new-key FILE (make a key pair) or --key FILE (sign a checkpoint), not both"), ctx=ctx)
    if new_key is None and key is None:
        _list_checkpoints(_store(ctx), as_json)
        return
    if new_key is not None:
        pair = workflow.new_checkpoint_key(new_key, new_key.with_name(new_key.name + ".pub"))
        if as_json:
            _echo_json({"private": str(pair.private), "public": str(pair.public), "public_key_sha256": pair.public_key_sha256})
            return
        click.echo(_("private key: {path} (mode 0600)").format(path=pair.private))
        click.echo(_("public key:  {path} (sha256 {sha256})").format(path=pair.public, sha256=pair.public_key_sha256[:16]))
        click.echo(_("Keep the private key off the server, where only the person who signs checkpoints reaches it;"))
        click.echo(_("give the public key to whoever verifies, e.g. the Inspektorat and the partner."))
        return
    assert key is not None
    if sys.platform != "win32" and key.stat().st_mode & 0o077:
        warning = _("Warning: other users can read the private key {key}; chmod 600 it, or keep it off this machine")
        click.echo(warning.format(key=key), err=True)
    made = workflow.make_checkpoint(_store(ctx), key)
    if as_json:
        _echo_json({"fingerprint": made.fingerprint, "name": made.name, "time": made.time, "agreements": made.agreements})
        return
    click.echo(_("fingerprint: {fingerprint}").format(fingerprint=made.fingerprint))
    line = _("checkpoint {name} of {time}: {agreements}, stored in {store}")
    click.echo(line.format(name=made.name, time=made.time, agreements=_agreements(len(made.agreements)), store=made.store))


def _list_checkpoints(store: workflow.Store, as_json: bool) -> None:
    """The checkpoints kept in the store, oldest first (their signatures are checked by mou verify --checkpoint)."""
    found = workflow.stored_checkpoints(store)
    if as_json:
        _echo_json(
            [
                {"name": c[0], "problem": c[1]}
                if isinstance(c, tuple)
                else {"fingerprint": c.fingerprint, "name": c.name, "time": c.time, "agreements": c.agreements}
                for c in found
            ]
        )
        return
    if not found:
        click.echo(_("No checkpoint is stored in {url}.").format(url=store.url))
    for c in found:
        if isinstance(c, tuple):
            click.echo(_("{name}  not a checkpoint as mou writes it: {problem}").format(name=c[0], problem=c[1]))
        else:
            click.echo(f"{c.name}  {c.time}  {c.fingerprint}  {_agreements(len(c.agreements))}")


@main.command(name="list")
@json_option()
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List every agreement: state, partner, end of term, next deadline.

    \b
    Example:
        mou list
        mou list --json
    """
    click.echo(_remembered("list", ctx, None, as_json, _list_text), nl=False)


def _list_text(store: workflow.Store, slug: str | None, as_json: bool) -> str:
    rows = workflow.list_agreements(store)
    if as_json:
        return _json_text(rows)
    if not rows:
        return _("No agreements in {url}.").format(url=store.url) + "\n"
    out = []
    for r in rows:
        if r.problem:
            out.append(f"{r.slug:<28} {r.state:<18} {r.problem}")
            continue
        nxt = f"{i18n.day(r.next_deadline.when)} {r.next_deadline.text}" if r.next_deadline else "-"
        end = i18n.day(r.term_end) if r.term_end else "-"
        line = _("{slug} {state} {partner} ends {end}  next: {next}")
        state = _named(r.state, r.title)  # in Indonesian the state's title with its token
        out.append(line.format(slug=f"{r.slug:<28}", state=f"{state:<18}", partner=f"{r.partner:<36}", end=end, next=nxt))
    return "\n".join(out) + "\n"


@main.command()
@click.argument("slug", required=False)
@click.option("--format", "fmt", type=click.Choice(["mermaid", "svg"]), default="mermaid", show_default=True)
@click.option("--process", "process_name", metavar="NAME", help="Process to draw when no SLUG is given (default ksdpk).")
@click.pass_context
def diagram(ctx: click.Context, slug: str | None, fmt: str, process_name: str | None) -> None:
    """Draw the process (the agreement's, with its current state highlighted, when SLUG is given).

    Mermaid needs nothing installed; SVG needs Graphviz (apt-get install graphviz).

    \b
    Example:
        mou diagram buton-bpjstk-2025 > process.mmd
        mou diagram --process short --format svg > short.svg
    """
    click.echo(workflow.diagram(_store(ctx, slug), slug, fmt, process_name), nl=False)


@main.command()
@click.argument("slug")
@click.argument("old", metavar="vA")
@click.argument("new", metavar="vB")
@click.option("--document", "name", metavar="NAME", help="Which document (default: the latest versioned one).")
@click.option(
    "--docx",
    "docx_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a Word redline: vB with every change since vA as a tracked change (never replaces a file).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a side-by-side HTML page of both versions for reviewers without Word.",
)
@actor_option("writes the redline (the author of its tracked changes)")
@click.pass_context
def diff(
    ctx: click.Context,
    slug: str,
    old: str,
    new: str,
    name: str | None,
    docx_file: Path | None,
    html_file: Path | None,
    actor: str | None,
) -> None:
    """Show what changed between two draft versions, paragraph by paragraph; optionally as a redline.

    With --docx or --html the files are written, checked (accepting every change gives vB, rejecting
    every change gives vA) and recorded in the history with their SHA-256.

    \b
    Example:
        mou diff buton-bpjstk-2025 v1 v2
        mou diff buton-bpjstk-2025 v2 v3 --docx redline-v2-v3.docx --html redline-v2-v3.html
    """
    result = workflow.compare(_store(ctx, slug), slug, old, new, name, docx=docx_file, html=html_file, actor=actor)
    colours = {"+": "green", "-": "red", "@": "cyan"}
    for line in result.lines:
        bold = line.startswith(("+++", "---"))
        click.echo(click.style(line, fg=None if bold else colours.get(line[:1]), bold=bold or None))  # plain when not a terminal
    for w in result.written:
        click.echo(f"{w.path}  sha256 {w.sha256[:16]}")
    if result.entry is not None:
        line = _("Recorded in the history: {event} by {actor} [entry {seq}]")
        click.echo(line.format(event=result.entry["event"], actor=result.entry["actor"], seq=result.entry["seq"]))


@main.group()
def participants() -> None:
    """Manage the list of workers covered (NIK is personal data: listings mask it).

    \b
    Example:
        mou participants import buton-bpjstk-2025 peserta-p3ke.csv
        mou participants list buton-bpjstk-2025
    """


@participants.command(name="import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@actor_option("imports")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def participants_import(ctx: click.Context, slug: str, file: Path, actor: str | None, quiet: bool) -> None:
    """Import FILE.csv (columns nik,nama,desa,kecamatan,pekerjaan,mulai): all rows valid, or nothing imported.

    \b
    Example:
        mou participants import buton-bpjstk-2025 peserta-p3ke.csv
    """
    store = _store(ctx, slug)
    with file.open("rb") as fh:
        rows = max(0, sum(1 for _line in fh) - 1)
    if quiet or not sys.stderr.isatty():  # a progress bar only where a person watches
        people = workflow.import_participants(store, slug, file, actor)
    else:
        with click.progressbar(length=rows, label=_("Checking participants"), file=sys.stderr) as bar:
            people = workflow.import_participants(store, slug, file, actor, bar.update)
    click.echo(_("{slug}: {n} participants imported from {file}").format(slug=slug, n=len(people), file=file.name))


@participants.command(name="replace")
@click.argument("slug")
@click.argument("old_nik")
@click.option("--reason", required=True, type=click.Choice(["meninggal", "keluar", "pindah", "tidak memenuhi syarat"]))
@click.option("--nik", required=True, help="NIK of the worker taking the place.")
@click.option("--nama", required=True)
@click.option("--desa", required=True)
@click.option("--kecamatan", required=True)
@click.option("--pekerjaan", required=True)
@click.option("--mulai", required=True, help="Start of cover, YYYY-MM-DD.")
@actor_option("records it")
@click.pass_context
def participants_replace(ctx: click.Context, /, slug: str, old_nik: str, reason: str, actor: str | None, **new: str) -> None:
    """Put a new worker in the place of one who died or left (same checks as an import).

    \b
    Example:
        mou participants replace buton-bpjstk-2025 7401064202710001 --reason meninggal \\
            --nik 7401061503900002 --nama "La Ode Contoh" --desa Wakalambe --kecamatan Kapontori \\
            --pekerjaan Nelayan --mulai 2025-09-01
    """
    person = workflow.replace_participant(_store(ctx, slug), slug, old_nik, new, reason, actor)
    line = _("{slug}: {old} ({reason}) replaced by {name} ({nik})")
    click.echo(line.format(slug=slug, old=workflow.mask(old_nik), reason=reason, name=person.nama, nik=workflow.mask(person.nik)))


@participants.command(name="list")
@click.argument("slug")
@click.option("--show-nik", is_flag=True, help="Print full NIK (personal data, UU 27/2022): only where needed.")
@click.pass_context
def participants_list(ctx: click.Context, slug: str, show_nik: bool) -> None:
    """List the participants, NIK masked unless --show-nik.

    \b
    Example:
        mou participants list buton-bpjstk-2025
    """
    for p in workflow.load_participants(_store(ctx, slug), slug):
        click.echo(
            f"{p.nik if show_nik else workflow.mask(p.nik)}  {p.nama:<28} {p.desa}, {p.kecamatan}  {p.pekerjaan}  {p.mulai}"
        )


@main.command()
@click.argument("slug")
@click.argument(
    "kind",
    type=click.Choice(["enrolment", "payment", "claim", "santunan", "correction", "void", "meeting", "issue", "note"]),
)
@click.option("--count", type=int, help="enrolment: workers enrolled.")
@click.option("--period", help="payment: month paid for, YYYY-MM.")
@click.option("--workers", type=int, help="payment: workers paid for.")
@click.option("--amount", type=int, help="payment, claim, santunan: rupiah, whole number.")
@click.option("--reference", help="payment: SP2D number (required; one payment per SP2D).")
@click.option("--programme", help="claim: JKK or JKM.")
@click.option("--cases", type=int, help="claim: number of cases.")
@click.option("--heir", help="santunan: the heir (ahli waris).")
@click.option("--nik", help="claim, santunan: NIK of the participant (16 digits; recorded and shown masked).")
@click.option("--corrects", type=int, metavar="SEQ", help="correction, void: the entry corrected or voided.")
@click.option("--reason", help="correction, void: why; santunan: why the amount is not the JKM benefit.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="When it happened (default today).")
@click.option("--nomor", help="santunan: nomor of its Berita Acara.")
@click.option("--relationship", help="santunan: the heir's relationship to the deceased (e.g. istri, anak).")
@click.option("--kpj", help="santunan: the deceased's KPJ (membership card) number.")
@click.option("--died", type=click.DateTime(["%Y-%m-%d"]), help="santunan: date of death, YYYY-MM-DD.")
@click.option("--scholarship", type=int, help="santunan: beasiswa paid, rupiah (only after 3 years of iuran).")
@click.option(
    "--witness",
    "witness",
    multiple=True,
    metavar='"NAME | POSITION [| NIP]"',
    help="santunan: a witness of the handover (repeat for each).",
)
@note_option("what happened, in words")
@actor_option("logs it (a tim teknis or OPD member)")
@click.pass_context
def log(ctx: click.Context, /, slug: str, kind: str, on: Any, note: str, actor: str | None, **figures: Any) -> None:
    """Record a milestone of implementation in the history (checked: rate, participants, periods, SP2D, ceiling).

    A santunan also renders the Berita Acara Penyerahan Santunan JKM. A wrong entry is never edited:
    record a correction (the figures that change) or a void, naming the entry and the reason.

    \b
    Example:
        mou log buton-bpjstk-2025 payment --period 2025-07 --workers 1000 --amount 16800000 --reference SP2D-0712
        mou log buton-bpjstk-2025 correction --corrects 31 --reason "SP2D salah ketik" --reference SP2D-0713
        mou log buton-bpjstk-2025 void --corrects 32 --reason "dicatat dua kali"
        mou log buton-bpjstk-2025 claim --programme JKM --cases 1 --amount 42000000 --nik 7401064202710001
        mou log buton-bpjstk-2025 santunan --heir "Wa Ode Contoh" --amount 42000000 --nik 7401064202710001 \\
            --relationship istri --kpj 25000123456 --died 2025-08-14 --nomor "BA/001/2025" \\
            --witness "La Ode Saksi | Kepala Desa Contoh"
    """
    when = on.date() if on else None
    witnesses = list(figures.pop("witness"))
    if witnesses:
        figures["witnesses"] = witnesses
    if figures.get("died") is not None:
        figures["died"] = figures["died"].date()
    given = {k: v for k, v in figures.items() if v is not None}
    entry = workflow.log(_store(ctx, slug), slug, kind, actor=actor, note=note, when=when, **given)
    click.echo(_("{slug}: {kind} logged [entry {seq}]").format(slug=slug, kind=kind, seq=entry["seq"]))
    for artifact in entry["artifacts"]:
        click.echo(f"  {artifact['path']}")


@main.command()
@click.argument("slug")
@click.option("--period", required=True, help="YYYY-Qn (quarter) or YYYY-MM (month).")
@click.option(
    "--recommendation", type=click.Choice(["dilanjutkan", "diperluas", "dihentikan"]), default="dilanjutkan", show_default=True
)
@actor_option("reports")
@click.pass_context
def report(ctx: click.Context, slug: str, period: str, recommendation: str, actor: str | None) -> None:
    """Render the Laporan Monitoring dan Evaluasi of a period, with KPI table and charts.

    \b
    Example:
        mou report buton-bpjstk-2025 --period 2025-Q3
    """
    doc, k = workflow.report(_store(ctx, slug), slug, period, recommendation=recommendation, actor=actor)
    click.echo(f"{doc.title} {period} (v{doc.version}): {doc.path}")
    click.echo(_kpi_text(k))


def _kpi_text(k: Any) -> str:
    angka, rupiah = workflow.angka, workflow.rupiah
    lines = [
        _("  enrolled {enrolled} of {quota}; active {active}").format(
            enrolled=angka(k.enrolled), quota=angka(k.quota), active=angka(k.active)
        ),
        _("  paid {paid} of {allocation}").format(paid=rupiah(k.paid), allocation=rupiah(k.allocation)),
    ]
    lines += [
        _("  claims {programme}: {cases} cases, {amount}").format(programme=p, cases=cases, amount=rupiah(amount))
        for p, (cases, amount) in sorted(k.claims.items())
    ]
    lines.append(_("  santunan {amount}").format(amount=rupiah(k.santunan)))
    return "\n".join(lines)


@main.command()
@click.option("--within", type=int, default=90, show_default=True, help="Days ahead to look.")
@click.option("--ics", "ics_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write an iCalendar file.")
@json_option()
@click.pass_context
def due(ctx: click.Context, within: int, ics_file: Path | None, as_json: bool) -> None:
    """List what is due across all agreements: term ends, reports, reviews waiting, payments.

    \b
    Example:
        mou due --within 30 --ics tenggat.ics
    """
    items = workflow.due(_store(ctx), within)
    if ics_file is not None:
        _write_file(ics_file, workflow.ics(items))
    if as_json:
        _echo_json(items)
        return
    if not items:
        click.echo(_("Nothing due within {days} days.").format(days=within))
    for item in items:
        click.echo(f"{i18n.day(item.when)}  {item.slug:<28} {item.text}")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default="dashboard.html", show_default=True)
@click.pass_context
def dashboard(ctx: click.Context, out: Path) -> None:
    """Write one self-contained HTML page: every agreement's state, term, deadline, coverage and budget.

    \b
    Example:
        mou dashboard --out dasbor.html
    """
    click.echo(str(workflow.write_dashboard(_store(ctx), out)))


@main.command()
def schema() -> None:
    """Print the reference of every field of agreement.yaml (Markdown).

    \b
    Example:
        mou schema > docs/schema.md
    """
    click.echo(workflow.schema_reference(), nl=False)


@main.group(name="store")
def store_group() -> None:
    """Move agreements between stores: a folder, SQLite, PostgreSQL.

    \b
    Example:
        mou store copy --to postgresql://mou@db.buton.go.id/mou
        mou --store postgresql://mou@db.buton.go.id/mou store copy --to arsip-2025/ buton-bpjstk-2025
    """


@store_group.command(name="copy")
@click.option(
    "--to", "target", required=True, metavar="URL", help="The store to copy into (a folder, sqlite:..., postgresql://...)."
)
@click.argument("slugs", nargs=-1)
@click.option("--quiet", is_flag=True, help="No line per agreement.")
@click.pass_context
def store_copy(ctx: click.Context, target: str, slugs: tuple[str, ...], quiet: bool) -> None:
    """Copy agreements (all, or the SLUGS named) with their whole history and every file into another store.

    Each history is checked before it leaves and compared byte for byte when it arrives; an agreement
    the target already holds is refused before anything is copied.

    \b
    Example:
        mou store copy --to sqlite:///srv/mou/mou.db
        mou store copy --to postgresql://mou@localhost/mou buton-bpjstk-2025
    """
    source = _store(ctx)
    with workflow.open_store(target) as into:
        line = _("{slug}: {entries} entries, {files} files -> {url}")
        show = None if quiet else (lambda c: click.echo(line.format(slug=c.slug, entries=c.entries, files=c.files, url=into.url)))
        done = workflow.copy_agreements(source, into, list(slugs), progress=show)
    copied = _("{n} agreements copied from {source} to {target}")
    click.echo(copied.format(n=len(done), source=source.url, target=into.url))


@main.group(name="data")
def data_group() -> None:
    """Read and replace an agreement's data (agreement.yaml) in any store, each change recorded.

    \b
    Example:
        mou data get buton-bpjstk-2025 > agreement.yaml
        mou data put buton-bpjstk-2025 agreement.yaml --as "Bagian Hukum Setda Kabupaten Buton"
    """


@data_group.command(name="get")
@click.argument("slug")
@click.pass_context
def data_get(ctx: click.Context, slug: str) -> None:
    """Print the agreement's current agreement.yaml, byte for byte.

    \b
    Example:
        mou data get buton-bpjstk-2025 > agreement.yaml
    """
    sys.stdout.buffer.write(workflow.data_get(_store(ctx, slug), slug))
    sys.stdout.flush()


@data_group.command(name="put")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@actor_option("changes the data")
@note_option("the change")
@click.pass_context
def data_put(ctx: click.Context, slug: str, file: Path, actor: str | None, note: str) -> None:
    """Replace the agreement's data with FILE (- for standard input), validated as `mou check` does.

    A file with a problem is refused, naming each line; nothing changes. The change is recorded in the
    history with the fields it changed.

    \b
    Example:
        mou data put buton-bpjstk-2025 agreement.yaml --as "Bagian Hukum Setda Kabupaten Buton" --note "nomor PKS"
    """
    store = _store(ctx, slug)
    raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    change = workflow.data_put(store, slug, raw, actor, note, name=Path("<stdin>") if str(file) == "-" else file)
    if change.entry is None:
        click.echo(_("{slug}: no change (the file is the current data)").format(slug=slug))
    else:
        shown = ", ".join(change.fields[:8])
        if len(change.fields) > 8:
            shown = _("{fields} and {n} more").format(fields=shown, n=len(change.fields) - 8)
        click.echo(_("{slug}: data replaced, entry {seq}: {fields}").format(slug=slug, seq=change.entry["seq"], fields=shown))


@main.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (behind a reverse proxy: keep 127.0.0.1)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Server processes (one per CPU in production)."
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the web application over the store, in Bahasa Indonesia, until stopped (Ctrl+C).

    Accounts are made with mou user add; each acts only as the people it is linked to. Put it behind a
    reverse proxy with TLS (the README says how).

    \b
    Example:
        mou serve
        mou --store postgresql://mou@db/mou serve --host 127.0.0.1 --port 8000 --workers 4
    """
    from workflow.web import serve as run

    store = _store(ctx)
    click.echo(_("Serving {url} on http://{host}:{port}/ (Ctrl+C stops it)").format(url=store.url, host=host, port=port))
    run(store.location, host=host, port=port, workers=workers)


@main.group(name="user")
def user_group() -> None:
    """Manage the accounts of the web application (mou serve): who signs in, and as which person they act.

    Passwords are kept only as Argon2id hashes, in the store's shared data; no command shows them.

    \b
    Example:
        mou user add budi --name "Budi Santoso" --acts-as "Dinas Tenaga Kerja Kabupaten Buton"
        mou user list
    """


def _password(from_stdin: bool) -> str:
    """The password: one line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt(_("Password"), hide_input=True, confirmation_prompt=True))


def _password_option() -> Callable[[F], F]:
    return click.option(
        "--password-stdin",
        "password_stdin",
        is_flag=True,
        help="Read the password from the first line of standard input instead of asking for it.",
    )


def _account_line(account: workflow.Account) -> str:
    line = _("{login}: {name}, acts as {people}").format(
        login=account.login, name=account.name, people="; ".join(account.acts_as)
    )
    if account.admin:
        line += " [" + _("admin") + "]"
    if account.disabled:
        line += " [" + _("disabled") + "]"
    return line


@user_group.command(name="add")
@click.argument("login")
@click.option("--name", required=True, help="The name of the person who signs in.")
@click.option(
    "--acts-as",
    "acts_as",
    required=True,
    multiple=True,
    metavar="PERSON",
    help="A name from people: in agreement.yaml the account acts as (repeat for several).",
)
@click.option("--admin", is_flag=True, help="The account may manage other accounts in the web application.")
@_password_option()
@click.pass_context
def user_add(ctx: click.Context, login: str, name: str, acts_as: tuple[str, ...], admin: bool, password_stdin: bool) -> None:
    """Add an account LOGIN (3-32 lower-case letters, digits, '.', '-', '_'); asks for its password twice.

    \b
    Example:
        mou user add budi --name "Budi Santoso" --acts-as "Dinas Tenaga Kerja Kabupaten Buton"
        mou user add siti --name "Siti Aminah" --acts-as "Bagian Hukum Setda Kabupaten Buton" \\
            --admin --password-stdin < password.txt
    """
    store = _store(ctx)
    if workflow.get_user(store, login) is not None:  # a malformed login refused too: before the password is typed
        raise workflow.AccountExists(login)
    account = workflow.add_user(store, login, name=name, acts_as=acts_as, password=_password(password_stdin), admin=admin)
    click.echo(_("account {login} added").format(login=account.login))
    click.echo(_account_line(account))


@user_group.command(name="list")
@json_option("the accounts")
@click.pass_context
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List the accounts: login, name, the people each acts as, admin, disabled (never a password hash).

    \b
    Example:
        mou user list
        mou user list --json
    """
    accounts = workflow.list_users(_store(ctx))
    if as_json:
        _echo_json(accounts)
    elif not accounts:
        click.echo(_("no accounts yet; mou user add makes one"))
    for account in [] if as_json else accounts:
        click.echo(_account_line(account))


@user_group.command(name="disable")
@click.argument("login")
@click.pass_context
def user_disable(ctx: click.Context, login: str) -> None:
    """Disable the account LOGIN: it can no longer sign in, and its open sessions end.

    \b
    Example:
        mou user disable budi
    """
    account = workflow.disable_user(_store(ctx), login)
    click.echo(_("account {login} disabled; its sessions have ended").format(login=account.login))


@user_group.command(name="passwd")
@click.argument("login")
@_password_option()
@click.pass_context
def user_passwd(ctx: click.Context, login: str, password_stdin: bool) -> None:
    """Give the account LOGIN a new password (asked twice); its open sessions end and a lock is lifted.

    \b
    Example:
        mou user passwd budi
        echo "$PASSWORD" | mou user passwd budi --password-stdin
    """
    store = _store(ctx)
    if workflow.get_user(store, login) is None:
        raise workflow.AccountUnknown(login)  # before the password is typed
    account = workflow.set_password(store, login, _password(password_stdin))
    click.echo(_("password of {login} changed; its sessions have ended").format(login=account.login))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

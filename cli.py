"""The `mou` command: a thin click shell over the `workflow` library.

Each command parses its arguments, calls one library function and prints the result. A domain
error (``MouError``) prints ``Error: ...`` lines on stderr and exits 1; usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

import workflow
from workflow.errors import MouError
from workflow.store import Store


class MouGroup(click.Group):
    """Turns every domain error into ``Error:`` lines on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MouError as err:
            for line in str(err).splitlines() or [type(err).__name__]:
                click.echo(f"Error: {line}", err=True)
            ctx.exit(1)


def _store(ctx: click.Context) -> Store:
    root: Path = ctx.obj["root"]
    return Store(root)


@click.group(cls=MouGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(workflow.__version__, prog_name="mou")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="MOU_ROOT",
    default="agreements",
    show_default=True,
    help="Folder holding one sub-folder per agreement (or set MOU_ROOT).",
)
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Draft, render and check Memoranda of Understanding (Kesepakatan Bersama) of a Pemda.

    \b
    Example:
        mou demo                         # the Buton x BPJS Ketenagakerjaan example, on a copy
        mou check buton-bpjstk-2025      # validate data and templates
        mou render buton-bpjstk-2025 --stage draft_kb
    """
    ctx.obj = {"root": root}


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=True, path_type=Path),
    default="mou-demo",
    show_default=True,
    help="Folder for the copy and its documents (replaced if it holds an earlier demo).",
)
def demo(out: Path) -> None:
    """Render the embedded Buton x BPJS Ketenagakerjaan example on a copy.

    Produces the FGD documents (undangan, daftar hadir, notulen) and the first draft of the
    Kesepakatan Bersama. The shipped example is never changed.

    \b
    Example:
        mou demo --out /tmp/buton
    """
    from workflow.demo import demo as run_demo

    result = run_demo(out)
    click.echo(f"Copied the example to {result.root}")
    for doc in result.documents:
        click.echo(f"{doc.title}: {doc.path}")


@main.command()
@click.argument("slug")
@click.option("--from", "from_slug", metavar="SLUG", help="Start from a copy of this agreement's data.")
@click.pass_context
def new(ctx: click.Context, slug: str, from_slug: str | None) -> None:
    """Create ROOT/SLUG/agreement.yaml: a commented skeleton, or a copy of another agreement.

    \b
    Example:
        mou new buteng-bpjstk-2026 --from buton-bpjstk-2025
    """
    path = workflow.new(_store(ctx), slug, from_slug)
    click.echo(f"Created {path}")
    click.echo(f"Next: edit it, then run `mou check {slug}`.")


@main.command()
@click.argument("slug", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def check(ctx: click.Context, slug: str | None, as_json: bool) -> None:
    """Validate agreement data (one or all), the catalogue and every template; list every problem.

    \b
    Example:
        mou check buton-bpjstk-2025
    """
    from workflow.check import check_project

    report = check_project(_store(ctx), slug)
    if as_json:
        click.echo(json.dumps({"checked": report.checked, "problems": report.problems}, indent=2, ensure_ascii=False))
    else:
        for line in report.checked:
            click.echo(f"checked {line}")
    if report.problems:
        raise MouError("\n".join(report.problems))
    if not as_json:
        click.echo("No problems found.")


@main.command()
@click.argument("slug")
@click.option("--stage", "stages", multiple=True, metavar="STAGE", help="Stage to render (repeatable; default: every stage).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write under DIR/<stage>/ instead of the agreement's documents/ folder.",
)
@click.pass_context
def render(ctx: click.Context, slug: str, stages: tuple[str, ...], out: Path | None) -> None:
    """Render the documents of a stage as new versions (v1, v2, ...); never overwrites a version.

    \b
    Example:
        mou render buton-bpjstk-2025 --stage draft_kb
        mou render buton-bpjstk-2025 --stage fgd --out /tmp/fgd
    """
    from workflow.render import render as run_render

    for doc in run_render(_store(ctx), slug, list(stages) or None, out):
        click.echo(f"{doc.title} (v{doc.version}): {doc.path}")


@main.command()
def schema() -> None:
    """Print the reference of every field of agreement.yaml (Markdown).

    \b
    Example:
        mou schema > docs/schema.md
    """
    from workflow.reference import schema_reference

    click.echo(schema_reference(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

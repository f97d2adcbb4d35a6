"""`mekong review`: serve the local review page for one stored document."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app
from toolkit.errors import UsageError


@app.command("review")
def review_command(
    doc: str = typer.Argument(..., help="Document id in the store, or a .parquet path."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser."),
    store_dir: Path = opts.STORE,
) -> None:
    """Review a stored document in the browser: edit, approve, reject; saved to the store.

    The page is served on 127.0.0.1 only, to whoever has the address printed (it holds a
    random token for this run); stop with Ctrl-C.
    Example: mekong review speech --store aligned/ --port 8765
    """
    from toolkit import store
    from toolkit.review.server import make_server, url_of

    path = Path(doc) if doc.endswith(".parquet") else store.doc_path(store_dir, doc)
    try:
        server = make_server(path, port)
    except OSError as exc:
        raise UsageError(f"--port {port}: cannot listen ({exc.strerror or exc})") from None
    url = url_of(server)
    typer.echo(f"reviewing {path} at {url} (Ctrl-C to stop)")
    typer.echo("the address holds this run's access token: share it only with the reviewer")
    launcher = None if no_browser else open_browser(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped; every change was saved when it was made")
    finally:
        server.server_close()
        if launcher is not None:
            shutil.rmtree(launcher, ignore_errors=True)


def open_browser(url: str) -> Path:
    """Open `url` through a private redirect file, as Jupyter does, and return its folder.

    A browser started with the URL itself would show the token to every local user in its
    command line (`ps`); the file is readable by its owner only (mkdtemp makes the folder 0700).
    """
    import html
    import webbrowser

    folder = Path(tempfile.mkdtemp(prefix="mekong-review-"))
    page = folder / "open.html"
    link = html.escape(url, quote=True)
    page.write_text(
        f'<!doctype html><meta http-equiv="refresh" content="0;url={link}">'
        f'<a href="{link}">open the Mekong review page</a>\n',
        encoding="utf-8",
    )
    webbrowser.open(page.as_uri())
    return folder

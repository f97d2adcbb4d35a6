"""`mekong review`: serve the local review page for one stored document."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit import store
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

    The page is served on 127.0.0.1 only; stop with Ctrl-C.
    Example: mekong review speech --store aligned/ --port 8765
    """
    from toolkit.review.server import make_server, url_of

    path = Path(doc) if doc.endswith(".parquet") else store.doc_path(store_dir, doc)
    try:
        server = make_server(path, port)
    except OSError as exc:
        raise UsageError(f"--port {port}: cannot listen ({exc.strerror or exc})") from None
    url = url_of(server)
    typer.echo(f"reviewing {path} at {url} (Ctrl-C to stop)")
    if not no_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped; every change was saved when it was made")
    finally:
        server.server_close()

"""A minimal Chrome DevTools Protocol driver over `--remote-debugging-pipe` (no dependencies).

Playwright is not installed here; Debian's chromium is. With `--remote-debugging-pipe` chromium
reads NUL-terminated JSON commands on fd 3 and answers on fd 4, so a pipe pair replaces the
websocket. Enough for the review page's browser tests: open a page (at phone size), load and
reload it, evaluate script, click, pick options, fill and type keys, take a screenshot. A
dialog (alert, confirm) is dismissed at once and kept in `dialogs`, as Playwright does.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
]
TIMEOUT = 30.0


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (scripts/setup.sh installs it as root)"
    return None


class CdpError(RuntimeError):
    pass


class Browser:
    """One headless chromium and one page (a tab) in it, driven over the debugging pipe."""

    def __init__(self, width: int, height: int, mobile: bool = True) -> None:
        self.profile = tempfile.mkdtemp(prefix="mekong-chromium-")
        to_child, self._cmd = os.pipe()
        self._out, from_child = os.pipe()

        def wire() -> None:  # in the child: the pipe ends chromium expects on fds 3 and 4
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [CHROMIUM, *ARGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire,  # noqa: PLW1509 (single-threaded at this point of the test)
        )
        os.close(to_child)
        os.close(from_child)
        self._next = 0
        self._write = threading.Lock()
        self.dialogs: list[str] = []
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._cv = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()
        self.session = ""
        target = self.call("Target.createTarget", {"url": "about:blank"}, browser=True)
        attached = self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, browser=True
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime"):
            self.call(f"{domain}.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def _reader(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._out, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cv:
                    self._cv.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if message.get("method") == "Page.javascriptDialogOpening":
                    self._dismiss(message)
                with self._cv:
                    if "id" in message:
                        self._replies[message["id"]] = message
                    else:
                        self.events.append(message)
                    self._cv.notify_all()

    def _send(self, method: str, params: dict | None, browser: bool) -> int:
        with self._write:
            self._next += 1
            message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
            if not browser:
                message["sessionId"] = self.session
            os.write(self._cmd, json.dumps(message).encode() + b"\0")
            return self._next

    def _dismiss(self, event: dict[str, Any]) -> None:
        """From the reader thread: a dialog blocks the page's script, so answer it unwaited."""
        self.dialogs.append(event.get("params", {}).get("message", ""))
        self._send("Page.handleJavaScriptDialog", {"accept": False}, browser=False)

    def call(self, method: str, params: dict | None = None, browser: bool = False) -> dict:
        sent = self._send(method, params, browser)
        deadline = time.monotonic() + TIMEOUT
        with self._cv:
            while sent not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise CdpError(f"{method}: no answer from chromium")
                self._cv.wait(left)
            reply = self._replies.pop(sent)
        if "error" in reply:
            raise CdpError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def evaluate(self, expression: str) -> Any:
        """The value of a script expression in the page (promises awaited)."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise CdpError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        """Poll until the expression is truthy; returns its value (True for an element)."""
        deadline = time.monotonic() + timeout
        probe = f"(() => {{ const v = ({expression}); return v instanceof Node ? true : v; }})()"
        while time.monotonic() < deadline:
            value = self.evaluate(probe)
            if value:
                return value
            time.sleep(0.05)
        raise CdpError(f"timed out waiting for: {expression}")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", {"url": url})

    def load(self, url: str | None = None, timeout: float = 15.0) -> None:
        """Navigate to `url` (None: reload) and wait until the new document has loaded."""
        self.evaluate("window.__cdpOld = true")
        if url is None:
            self.call("Page.reload")
        else:
            self.goto(url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(CdpError):  # the old document's context goes away meanwhile
                if self.evaluate("!window.__cdpOld && document.readyState === 'complete'"):
                    return
            time.sleep(0.05)
        raise CdpError(f"timed out loading {url or 'the page again'}")

    def count(self, selector: str) -> int:
        return self.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")

    def texts(self, selector: str) -> list[str]:
        """textContent of every element the selector matches."""
        return self.evaluate(
            f"[...document.querySelectorAll({json.dumps(selector)})].map((e) => e.textContent)"
        )

    def visible(self, selector: str) -> bool:
        return self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e || !e.checkVisibility({visibilityProperty: true})) return false;"
            " const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })()"
        )

    def click(self, selector: str) -> None:
        """A real left click in the middle of the element (scrolled into view), refused when
        another element covers that point, as a person's click would miss."""
        where = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return 'missing'; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
            " const hit = document.elementFromPoint(x, y);"
            " return hit && (hit === e || e.contains(hit)) ? {x, y} : 'covered'; })()"
        )
        if not isinstance(where, dict):
            raise CdpError(f"cannot click {selector}: {where}")
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "button": "left", "clickCount": 1, **where},
            )

    def select(self, selector: str, value: str) -> None:
        """Pick an option of a <select> the way a person's choice reaches the page's script."""
        done = self.evaluate(
            f"(() => {{ const s = document.querySelector({json.dumps(selector)});"
            f" const v = {json.dumps(value)};"
            " if (!s || ![...s.options].some((o) => o.value === v)) return false; s.value = v;"
            " s.dispatchEvent(new Event('input', {bubbles: true}));"
            " s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()"
        )
        if not done:
            raise CdpError(f"{selector} has no option {value!r}")

    def fill(self, selector: str, text: str) -> None:
        """Replace a text field's content as typed text (focus, select all, insert)."""
        if not self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return false; e.focus(); e.select(); return true; })()"
        ):
            raise CdpError(f"no field {selector}")
        self.type_text(text)

    def key(self, key: str, ctrl: bool = False, shift: bool = False) -> None:
        """One key press (down, up) as a person would type it; "Enter", "Escape" or a character."""
        codes = {"Enter": 13, "Escape": 27, "ArrowDown": 40, "ArrowUp": 38}
        base: dict[str, Any] = {
            "key": key,
            "modifiers": (2 if ctrl else 0) | (8 if shift else 0),
            "windowsVirtualKeyCode": codes.get(key, ord(key.upper()[0])),
        }
        down = dict(base, type="keyDown")
        if len(key) == 1 and not ctrl:
            down["text"] = key
        elif key == "Enter" and not ctrl:
            down["text"] = "\r"
        self.call("Input.dispatchKeyEvent", down)
        self.call("Input.dispatchKeyEvent", dict(base, type="keyUp"))

    def type_text(self, text: str) -> None:
        self.call("Input.insertText", {"text": text})

    def screenshot(self, path: Path) -> Path:
        """What the screen shows now (the viewport), as PNG."""
        data = self.call("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        with contextlib.suppress(CdpError, OSError):
            self.call("Browser.close", browser=True)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._cmd, self._out):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

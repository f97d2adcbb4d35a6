"""The one safe XML parser: what CAT tools write is read, the classic attacks are refused."""

from __future__ import annotations

import http.server
import threading

import pytest

from toolkit import xmlsafe
from toolkit.errors import GlossaryError
from toolkit.glossary import tbx

ATTACKS = {
    "billion laughs": '<!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><t>&b;</t>',
    "xxe file": '<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><t>&x;</t>',
    "xxe url": '<!DOCTYPE t [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><t>&x;</t>',
    "parameter entity": '<!DOCTYPE t [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p"> %p;]><t/>',
    "internal subset only": "<!DOCTYPE t [<!ATTLIST t a CDATA 'injected'>]><t/>",
    "entity of an external DTD": '<!DOCTYPE t SYSTEM "evil.dtd"><t>&secret;</t>',
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_classic_attacks_refused(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "evil.dtd").write_text('<!ENTITY secret "leaked">', encoding="utf-8")
    with pytest.raises(xmlsafe.XmlRefused):
        xmlsafe.parse(ATTACKS[name].encode())


def test_external_doctype_line_read_but_dtd_never_fetched():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ATTLIST t a CDATA "fetched">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/x.dtd"
        root = xmlsafe.parse(f'<!DOCTYPE t PUBLIC "-//X//EN" "{url}"><t>ok &amp; fine</t>'.encode())
    finally:
        server.shutdown()
    assert root.text == "ok & fine" and root.get("a") is None and hits == []
    tmx = xmlsafe.parse(b'<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx/>')
    assert tmx.tag == "tmx"


def test_malformed_has_a_line_and_tbx_uses_the_same_parser():
    with pytest.raises(xmlsafe.XmlMalformed) as info:
        xmlsafe.parse(b"<t>\n<u>\n</t>")
    assert info.value.line == 3
    with pytest.raises(GlossaryError, match="unsafe XML refused"):
        tbx.parse(ATTACKS["parameter entity"].encode(), "x.tbx")
    doc = b'<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd"><martif><text><body/></text></martif>'
    assert tbx.parse(doc, "ok.tbx").concepts == []

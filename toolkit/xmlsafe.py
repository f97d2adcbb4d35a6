"""One safe XML parser for every untrusted file (TMX, XLIFF, TBX, SRX).

CAT tools write an external DOCTYPE line (`<!DOCTYPE tmx SYSTEM "tmx14.dtd">`,
`<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">`): that is allowed, and the DTD it names is
never fetched or read. Everything that can make a parser expand, fetch or read something stays
refused: an internal DTD subset (`<!DOCTYPE x [...]>`, where entity bombs and parameter entities
live), entity declarations, external entity references, and references to entities that only
an external DTD could define (expat reports those as skipped; resolving them would need the DTD).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET


class XmlRefused(ValueError):
    """The file uses a DTD or entity feature that is not allowed (reason in the message)."""


@dataclass
class XmlMalformed(ValueError):
    """Not well-formed XML; `line` is 1-based (0 when unknown)."""

    message: str
    line: int = 0

    def __str__(self) -> str:
        return self.message


def _refuse_internal_subset(name: str, system_id: str | None, public_id: str | None, internal: int):
    if internal:
        raise XmlRefused(f"a DOCTYPE with an internal subset (<!DOCTYPE {name} [...]>)")


def _refuse_skipped_entity(name: str, is_parameter_entity: int) -> None:
    raise XmlRefused(f"a reference to entity '{name}' that only a DTD could define")


def parse(data: bytes) -> ET.Element:
    """The root element of untrusted XML, or XmlRefused / XmlMalformed (never a resolution)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    parser = DefusedXMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    expat = parser.parser
    expat.StartDoctypeDeclHandler = _refuse_internal_subset
    expat.SkippedEntityHandler = _refuse_skipped_entity
    try:
        parser.feed(data)
        return parser.close()
    except DefusedXmlException as exc:
        what = {
            "EntitiesForbidden": "an entity declaration",
            "ExternalReferenceForbidden": "an external reference",
            "DTDForbidden": "a DTD",
            "NotSupportedError": "an unsupported XML feature",
        }.get(exc.__class__.__name__, exc.__class__.__name__)
        raise XmlRefused(what) from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise XmlMalformed(f"not well-formed XML ({exc})", line) from None


def parse_or_raise(
    data: bytes,
    refused: Callable[[XmlRefused], Exception],
    malformed: Callable[[XmlMalformed], Exception],
) -> ET.Element:
    """`parse`, with a refusal or a syntax error raised as the caller's own one-line error."""
    try:
        return parse(data)
    except XmlRefused as exc:
        raise refused(exc) from None
    except XmlMalformed as exc:
        raise malformed(exc) from None

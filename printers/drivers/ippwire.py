"""The IPP message encoding (RFC 8010 section 3) and printer URIs, as a card driver needs them.

A request is built from attribute groups of ``Attribute`` values and sent as the
body of an HTTP POST (``Content-Type: application/ipp``), the document data, if
any, right after the end-of-attributes tag. A response decodes into a
``Response``: its status code and its groups, each a ``dict`` from attribute
name to the list of its values. Values decode to ``int`` (integer, enum),
``bool``, ``str`` (the string syntaxes; text and name with language too),
``bytes`` (octetString, dateTime and unknown syntaxes), ``tuple`` (rangeOfInteger,
resolution), ``dict`` (collection) or ``None`` (out-of-band values such as
``unknown`` or ``no-value``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

_SCHEMES = {
    "ipp": ("http", 631),
    "ipps": ("https", 631),
    "http": ("http", 80),
    "https": ("https", 443),
}

# Delimiter tags: the attribute groups.
OPERATION_ATTRIBUTES = 0x01
JOB_ATTRIBUTES = 0x02
END_OF_ATTRIBUTES = 0x03
PRINTER_ATTRIBUTES = 0x04
UNSUPPORTED_ATTRIBUTES = 0x05

# Value tags.
NO_VALUE = 0x13
INTEGER = 0x21
BOOLEAN = 0x22
ENUM = 0x23
OCTET_STRING = 0x30
DATE_TIME = 0x31
RESOLUTION = 0x32
RANGE_OF_INTEGER = 0x33
BEGIN_COLLECTION = 0x34
TEXT_WITH_LANGUAGE = 0x35
NAME_WITH_LANGUAGE = 0x36
END_COLLECTION = 0x37
TEXT = 0x41
NAME = 0x42
KEYWORD = 0x44
URI = 0x45
CHARSET = 0x47
NATURAL_LANGUAGE = 0x48
MIME_MEDIA_TYPE = 0x49
MEMBER_NAME = 0x4A

# Operations.
PRINT_JOB = 0x0002
GET_JOB_ATTRIBUTES = 0x0009
GET_JOBS = 0x000A
GET_PRINTER_ATTRIBUTES = 0x000B

# Status codes (RFC 8011 section 4.1.6 and the IPP registry) a driver acts on.
STATUS_NAMES = {
    0x0000: "successful-ok",
    0x0001: "successful-ok-ignored-or-substituted-attributes",
    0x0002: "successful-ok-conflicting-attributes",
    0x0400: "client-error-bad-request",
    0x0401: "client-error-forbidden",
    0x0402: "client-error-not-authenticated",
    0x0403: "client-error-not-authorized",
    0x0404: "client-error-not-possible",
    0x0405: "client-error-timeout",
    0x0406: "client-error-not-found",
    0x0407: "client-error-gone",
    0x0408: "client-error-request-entity-too-large",
    0x040A: "client-error-document-format-not-supported",
    0x040B: "client-error-attributes-or-values-not-supported",
    0x040E: "client-error-compression-not-supported",
    0x040F: "client-error-compression-error",
    0x0410: "client-error-document-format-error",
    0x0411: "client-error-document-access-error",
    0x0418: "client-error-document-password-error",
    0x041A: "client-error-document-security-error",
    0x041B: "client-error-document-unprintable-error",
    0x0500: "server-error-internal-error",
    0x0501: "server-error-operation-not-supported",
    0x0502: "server-error-service-unavailable",
    0x0503: "server-error-version-not-supported",
    0x0504: "server-error-device-error",
    0x0505: "server-error-temporary-error",
    0x0506: "server-error-not-accepting-jobs",
    0x0507: "server-error-busy",
    0x0508: "server-error-job-canceled",
}


def status_name(code: int) -> str:
    return STATUS_NAMES.get(code, f"status-0x{code:04x}")


def parse_printer_uri(uri: str) -> tuple[str, str]:
    """The printer-uri to name in requests and the HTTP URL to post them to."""
    if not isinstance(uri, str) or not uri.strip():
        raise ValueError("IPP printer URI is empty; expected ipp://host:port/path")
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"IPP printer URI {uri!r} is malformed: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise ValueError(
            f"IPP printer URI {uri!r} has scheme {parts.scheme!r}; "
            "expected ipp://, ipps://, http:// or https://"
        )
    host = parts.hostname
    if not host:
        raise ValueError(f"IPP printer URI {uri!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"IPP printer URI {uri!r} must not carry a user name or password")
    if not parts.path:
        raise ValueError(f"IPP printer URI {uri!r} has no printer path (e.g. /ipp/print)")
    if parts.query or parts.fragment:
        raise ValueError(f"IPP printer URI {uri!r} must not have a query or fragment")
    if port == 0:
        raise ValueError(f"IPP printer URI {uri!r} has port 0")
    http_scheme, default_port = _SCHEMES[scheme]
    hostport = f"[{host}]" if ":" in host else host
    hostport += f":{port or default_port}"
    ipp_scheme = "ipps" if http_scheme == "https" else "ipp"
    return f"{ipp_scheme}://{hostport}{parts.path}", f"{http_scheme}://{hostport}{parts.path}"


class IppDecodeError(ValueError):
    """The bytes are not a well-formed IPP message."""


@dataclass(frozen=True, slots=True)
class Attribute:
    tag: int
    name: str
    values: tuple[Any, ...]


def attr(tag: int, name: str, *values: Any) -> Attribute:
    if not values:
        raise ValueError(f"IPP attribute {name} needs at least one value")
    return Attribute(tag, name, values)


def _encode_value(tag: int, value: Any) -> bytes:
    if tag in (INTEGER, ENUM):
        return struct.pack(">i", int(value))
    if tag == BOOLEAN:
        return b"\x01" if value else b"\x00"
    if isinstance(value, bytes):
        return value
    if value is None:
        return b""
    return str(value).encode("utf-8")


def encode_request(
    operation: int,
    request_id: int,
    groups: Iterable[tuple[int, Sequence[Attribute]]],
    version: tuple[int, int] = (1, 1),
) -> bytes:
    """The attributes part of a request (the document data, if any, follows it)."""
    out = bytearray(struct.pack(">BBHi", version[0], version[1], operation, request_id))
    for group_tag, attributes in groups:
        out.append(group_tag)
        for attribute in attributes:
            name = attribute.name.encode("ascii")
            for i, value in enumerate(attribute.values):
                data = _encode_value(attribute.tag, value)
                if len(data) > 0x7FFF:
                    raise ValueError(f"IPP value of {attribute.name} is too long")
                key = name if i == 0 else b""
                out += struct.pack(">BH", attribute.tag, len(key)) + key
                out += struct.pack(">H", len(data)) + data
    out.append(END_OF_ATTRIBUTES)
    return bytes(out)


@dataclass(slots=True)
class Response:
    version: tuple[int, int]
    status: int
    request_id: int
    groups: list[tuple[int, dict[str, list[Any]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status < 0x0100

    @property
    def status_name(self) -> str:
        return status_name(self.status)

    def group(self, tag: int) -> dict[str, list[Any]]:
        """The first group with this tag (empty if there is none)."""
        return next((attrs for t, attrs in self.groups if t == tag), {})

    def all_groups(self, tag: int) -> list[dict[str, list[Any]]]:
        return [attrs for t, attrs in self.groups if t == tag]

    def message(self) -> str:
        """The operation's status-message, if the server sent one."""
        values = self.group(OPERATION_ATTRIBUTES).get("status-message") or [""]
        return str(values[0])


def _decode_value(tag: int, raw: bytes) -> Any:
    if tag < 0x20:
        return None  # out-of-band: unsupported, unknown, no-value...
    if tag in (INTEGER, ENUM) and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if tag == RANGE_OF_INTEGER and len(raw) == 8:
        return struct.unpack(">ii", raw)
    if tag == RESOLUTION and len(raw) == 9:
        return struct.unpack(">iib", raw)
    if tag in (TEXT_WITH_LANGUAGE, NAME_WITH_LANGUAGE) and len(raw) >= 4:
        (lang_len,) = struct.unpack_from(">H", raw, 0)
        (text_len,) = struct.unpack_from(">H", raw, 2 + lang_len)
        return raw[4 + lang_len : 4 + lang_len + text_len].decode("utf-8", "replace")
    if 0x40 <= tag <= 0x5F:
        return raw.decode("utf-8", "replace")
    return raw  # octetString, dateTime, unknown syntaxes


class _Reader:
    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise IppDecodeError(f"IPP message ends early at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def short(self) -> int:
        return int(struct.unpack(">H", self.take(2))[0])

    def attribute(self) -> tuple[str, bytes]:
        name = self.take(self.short()).decode("utf-8", "replace")
        return name, self.take(self.short())

    def collection(self) -> dict[str, list[Any]]:
        members: dict[str, list[Any]] = {}
        key: str | None = None
        while True:
            tag = self.take(1)[0]
            _, raw = self.attribute()
            if tag == END_COLLECTION:
                return members
            if tag == MEMBER_NAME:
                key = raw.decode("utf-8", "replace")
                members[key] = []
                continue
            if key is None:
                raise IppDecodeError("collection value without a member name")
            value = self.collection() if tag == BEGIN_COLLECTION else _decode_value(tag, raw)
            members[key].append(value)


def decode_response(data: bytes) -> Response:
    """Decode an IPP response (any data after the attributes is ignored)."""
    if len(data) < 9:
        raise IppDecodeError(f"IPP response too short ({len(data)} bytes)")
    major, minor, status, request_id = struct.unpack_from(">BBHi", data, 0)
    response = Response((major, minor), status, request_id)
    reader = _Reader(data, 8)
    current: dict[str, list[Any]] | None = None
    last: str | None = None
    while True:
        tag = reader.take(1)[0]
        if tag == END_OF_ATTRIBUTES:
            return response
        if tag < 0x10:  # a new attribute group
            current = {}
            response.groups.append((tag, current))
            last = None
            continue
        name, raw = reader.attribute()
        if current is None:
            raise IppDecodeError("IPP attribute outside any attribute group")
        value = reader.collection() if tag == BEGIN_COLLECTION else _decode_value(tag, raw)
        if name:
            current[name] = [value]
            last = name
        elif last is None:
            raise IppDecodeError("additional IPP value without an attribute")
        else:
            current[last].append(value)

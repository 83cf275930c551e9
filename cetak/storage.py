"""The document store: the papers Cetak produces, kept in the database for every machine.

Berita acara, letters to central, monthly reports, manifests, the uncollected report,
carrier sheets, receipt files and alert files are still written to ``$CETAK_HOME`` as
before, and the same bytes are kept in the ``stored_document`` table, after the commit
of the change they document. A dashboard or a CLI on another machine of the province
then serves them from the database (``get``), falling back to the local file for
documents made before the table existed (``read``).

A document is known by its ``name``: its path relative to ``$CETAK_HOME``
(``documents/manifes/KRM-3310-20261124-0001.pdf``, ``receipts/<ref>.bin``,
``alerts/<key>.json``). Documents are produced idempotently, so ``put`` of the same name
with the same bytes changes nothing, and other bytes replace the content: one statement
(``INSERT ... ON CONFLICT DO UPDATE``), safe when two workers produce the same document
at once, on PostgreSQL and SQLite alike. Backups carry the table with the database.
Contents are never logged (manifests and receipts hold masked NIKs and names).
"""

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.db import write_session
from cetak.models import StoredDocument, utcnow

log = logging.getLogger("cetak.storage")
_DOC = StoredDocument.__table__  # type: ignore[attr-defined]

PDF = "application/pdf"
JSON = "application/json"
ESCPOS = "application/octet-stream"  # a raw ESC/POS byte stream for a receipt printer

#: The kinds of documents, with what staff call them.
KINDS: dict[str, str] = {
    "berita-acara": "berita acara pemusnahan",
    "surat": "surat permintaan blangko ke pusat",
    "laporan-bulanan": "laporan bulanan blangko",
    "laporan-harian": "laporan harian produksi KTP-el",
    "manifes": "manifes pengiriman",
    "belum-diambil": "laporan KTP-el belum diambil",
    "pengantar": "lembar pengantar hasil cetak",
    "struk": "struk serah terima / tanda terima",
    "peringatan": "berkas peringatan",
    "laporan-cakupan": "laporan cakupan perekaman dan pencetakan KTP-el",
    "surat-alat": "surat permohonan perbaikan alat perekaman",
    "pengumuman": "pengumuman tempat perekaman",
    "nota-dinas": "nota dinas pengadaan bahan habis pakai",
}

#: The top folders of ``$CETAK_HOME`` that documents live in.
_TOPS = ("documents", "receipts", "alerts")
_NAME_MAX = 300


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A stored document without its content."""

    name: str
    kind: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    host: str

    @property
    def file_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            "created_at": self.created_at.isoformat(),
            "host": self.host,
        }


def name_for(path: str | Path, home: Path | None = None) -> str:
    """The store's name of a document at ``path``: its path relative to ``home``.

    A path outside ``home`` (recorded on another machine, whose ``$CETAK_HOME`` may be
    elsewhere) keeps its part from the last ``documents``, ``receipts`` or ``alerts``
    folder on: ``/srv/cetak/documents/manifes/X.pdf`` is ``documents/manifes/X.pdf``.
    """
    p = Path(path)
    if home is not None and p.is_absolute():
        for candidate, root in ((p, home), (p.resolve(), home.resolve())):
            try:
                return candidate.relative_to(root).as_posix()
            except ValueError:
                continue
    parts = p.parts[1:] if p.is_absolute() else p.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in _TOPS:
            return "/".join(parts[i:])
    return "/".join(parts[-2:])


def _check_name(name: str) -> str:
    parts = name.split("/")
    if (
        not name
        or len(name) > _NAME_MAX
        or name.startswith("/")
        or "\\" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError(f"bad document name {name!r}: a relative path under $CETAK_HOME")
    return name


def _valid(name: str) -> bool:
    try:
        _check_name(name)
    except ValueError:
        return False
    return True


def _host() -> str:
    return socket.gethostname()[:255] or "-"


def put(engine: Engine, name: str, data: bytes, *, kind: str, media_type: str = PDF) -> bool:
    """Keep ``data`` as the document ``name``; True when stored or replaced, False when
    the store already held exactly these bytes under this name (nothing changes)."""
    _check_name(name)
    digest = hashlib.sha256(data).hexdigest()
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_DOC).values(
        name=name,
        kind=kind,
        media_type=media_type,
        content=data,
        size=len(data),
        sha256=digest,
        created_at=utcnow(),
        host=_host(),
    )
    replaced = ("kind", "media_type", "content", "size", "sha256", "created_at", "host")
    stmt = stmt.on_conflict_do_update(
        index_elements=[_DOC.c.name],
        set_={column: stmt.excluded[column] for column in replaced},
        where=_DOC.c.sha256 != stmt.excluded.sha256,
    ).returning(_DOC.c.id)  # no row: the same bytes were there already
    with write_session(engine) as session:
        changed = session.execute(stmt).first() is not None
    if changed:
        log.info("dokumen disimpan di basis data: %s (%d bita)", name, len(data))
    return changed


def keep(
    engine: Engine,
    path: Path,
    data: bytes,
    *,
    kind: str,
    media_type: str = PDF,
    home: Path | None = None,
) -> str:
    """Store the bytes just written to ``path`` under its name; the name."""
    name = name_for(path, home)
    put(engine, name, data, kind=kind, media_type=media_type)
    return name


def _run(bind: Engine | Session, stmt: Any) -> Any:
    if isinstance(bind, Session):
        return bind.execute(stmt)
    with bind.connect() as conn:
        return conn.execute(stmt).all()


def get(bind: Engine | Session, name: str) -> bytes | None:
    """The stored content of ``name``; None when the store has no such document."""
    rows = list(_run(bind, sa.select(_DOC.c.content).where(_DOC.c.name == name)))
    return bytes(rows[0][0]) if rows else None


_INFO = (
    _DOC.c.name,
    _DOC.c.kind,
    _DOC.c.media_type,
    _DOC.c.size,
    _DOC.c.sha256,
    _DOC.c.created_at,
    _DOC.c.host,
)


def info(bind: Engine | Session, name: str) -> DocumentInfo | None:
    rows = list(_run(bind, sa.select(*_INFO).where(_DOC.c.name == name)))
    return DocumentInfo(*rows[0]) if rows else None


def list_documents(
    bind: Engine | Session,
    *,
    kind: str | None = None,
    limit: int = 100,
    ending: str | None = None,
) -> list[DocumentInfo]:
    """Stored documents, newest first, without their content (``ending``: names that end
    so, e.g. a file name)."""
    query = sa.select(*_INFO).order_by(_DOC.c.created_at.desc(), _DOC.c.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(_DOC.c.kind == kind)
    if ending is not None:
        query = query.where(_DOC.c.name.endswith(ending, autoescape=True))
    return [DocumentInfo(*row) for row in _run(bind, query)]


def stored_names(bind: Engine | Session, names: Iterable[str]) -> set[str]:
    """Which of ``names`` the store holds."""
    wanted = sorted(set(names))
    if not wanted:
        return set()
    return {r[0] for r in _run(bind, sa.select(_DOC.c.name).where(_DOC.c.name.in_(wanted)))}


def read(
    bind: Engine | Session,
    name: str | None = None,
    *,
    local: str | Path | None = None,
    home: Path | None = None,
) -> bytes | None:
    """A document from the store, else from the local file (documents made before the
    store existed, or on a database that lost the row); None when neither has it.

    Give ``name``, or ``local`` (a path as recorded in a row, maybe from another machine),
    or both.
    """
    if name is None and local is None:
        raise ValueError("name or local is required")
    data = get(bind, name if name is not None else name_for(local, home))  # type: ignore[arg-type]
    if data is not None:
        return data
    candidates = [Path(local)] if local is not None else []
    if home is not None and name is not None and _valid(name):
        candidates.append(home / name)
    for path in candidates:
        if path.is_file():
            return path.read_bytes()
    return None


__all__ = [
    "ESCPOS",
    "JSON",
    "KINDS",
    "PDF",
    "DocumentInfo",
    "get",
    "info",
    "keep",
    "list_documents",
    "name_for",
    "put",
    "read",
    "stored_names",
]

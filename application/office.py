"""The office profile's use cases (issue 13): the letterhead, the signers, who signs which
document, and the classification codes of official numbers (``cetak office``, the dashboard).

Every change is checked first (a NIP is 18 digits, an email and a web address have their
shape, a logo is a PNG or JPEG file that exists), then written with its audit row in one
transaction by ``application.actions.perform`` (permission ``office_settings``: supervisors).
The logo is copied into ``$CETAK_HOME/office/`` (the file given is only read, never moved)
and its bytes kept in the database, so every machine prints it.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from application.actions import Who, perform, signature
from cetak import office
from cetak.access import Action
from cetak.office import (
    DOCUMENTS,
    LETTERHEAD_FIELDS,
    LOGO_KEY,
    NUMBERED,
    ROLES,
    InvalidOfficeValue,
    OfficeProfile,
)

#: The largest logo accepted (a letterhead logo is a few hundred kilobytes at most).
MAX_LOGO_BYTES = 2 * 1024 * 1024

_CHECKS = {
    "email": office.check_email,
    "laman": office.check_laman,
    "telepon": office.check_telepon,
}


@dataclass(frozen=True)
class Changed:
    """What a change wrote: the keys set (values are in ``cetak office show``)."""

    keys: list[str]

    @property
    def nothing(self) -> bool:
        return not self.keys


def show(engine: Engine) -> OfficeProfile:
    """The office profile as stored."""
    return office.load_profile(engine)


def _write(
    engine: Engine,
    actor: Who,
    name: str,
    values: Mapping[str, str],
    *,
    target: str,
    logo: bytes | None = None,
) -> Changed:
    keys = sorted(values)

    def call(session: Session) -> Changed:
        office.store(session, values, actor=signature(actor), logo=logo)
        return Changed(keys)

    return perform(
        engine,
        actor,
        Action.OFFICE_SETTINGS,
        name,
        call,
        target=target,
        detail={"fields": keys},  # field names only: a NIP is not repeated in the audit
    )


def read_logo(path: Path) -> tuple[bytes, str]:
    """The logo file's bytes and kind (``png``/``jpeg``), or ``InvalidOfficeValue``."""
    if not path.is_file():
        raise InvalidOfficeValue("logo", f"berkas {path.name} tidak ada")
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise InvalidOfficeValue("logo", "berkas lebih dari 2 MB")
    data = path.read_bytes()
    kind = office.logo_kind(data)
    if kind is None:
        raise InvalidOfficeValue("logo", "harus berkas gambar PNG atau JPEG")
    return data, kind


def set_letterhead(
    engine: Engine,
    actor: Who,
    settings: Any,
    fields: Mapping[str, str | None],
    *,
    logo: Path | None = None,
) -> Changed:
    """Set the letterhead's ``fields`` (keys of ``cetak.office.LETTERHEAD_FIELDS``; None:
    unchanged, ``""``: cleared) and, with ``logo``, the logo image (copied into
    ``$CETAK_HOME/office/``)."""
    values: dict[str, str] = {}
    for name, value in fields.items():
        if value is None:
            continue
        office.check_choice(name, tuple(LETTERHEAD_FIELDS), "kolom kop surat")
        text = office.check_text(value, LETTERHEAD_FIELDS[name])
        values[name] = _CHECKS[name](text) if name in _CHECKS else text
    data: bytes | None = None
    if logo is not None:
        data, kind = read_logo(logo)
        values[LOGO_KEY] = f"office/logo.{'png' if kind == 'png' else 'jpg'}"
    if not values:
        return Changed([])
    changed = _write(engine, actor, "office_letterhead_set", values, target="kop", logo=data)
    if data is not None:  # after the commit: the copy beside the database, for staff to see
        home = Path(settings.resolved_home)
        dest = home / values[LOGO_KEY]
        dest.parent.mkdir(parents=True, exist_ok=True)
        if logo is not None and logo.resolve() != dest.resolve():
            shutil.copyfile(logo, dest)
    return changed


def set_signer(
    engine: Engine,
    actor: Who,
    role: str,
    *,
    nama: str | None = None,
    nip: str | None = None,
    pangkat: str | None = None,
    jabatan: str | None = None,
) -> Changed:
    """Set a signer's nama, NIP (18 digits), pangkat/golongan and jabatan (None: unchanged)."""
    office.check_choice(role, tuple(ROLES), "penandatangan")
    values: dict[str, str] = {}
    if nama is not None:
        values[office.signer_key(role, "nama")] = office.check_text(nama, "nama")
    if nip is not None:
        values[office.signer_key(role, "nip")] = office.check_nip(nip)
    if pangkat is not None:
        values[office.signer_key(role, "pangkat")] = office.check_text(pangkat, "pangkat")
    if jabatan is not None:
        values[office.signer_key(role, "jabatan")] = office.check_text(jabatan, "jabatan")
    if not values:
        return Changed([])
    return _write(engine, actor, "office_signer_set", values, target=role)


def set_signing(
    engine: Engine,
    actor: Who,
    document: str,
    *,
    signer: str | None = None,
    acknowledger: str | None = None,
) -> Changed:
    """Who signs ``document`` and who acknowledges it (``"-"``: nobody)."""
    office.check_choice(document, tuple(DOCUMENTS), "dokumen")
    values: dict[str, str] = {}
    if signer is not None:
        values[office.signs_key(document)] = office.check_choice(
            signer, tuple(ROLES), "penandatangan"
        )
    if acknowledger is not None:
        values[office.knows_key(document)] = office.check_choice(
            acknowledger, (*ROLES, "-"), "yang mengetahui"
        )
    if not values:
        return Changed([])
    return _write(engine, actor, "office_signing_set", values, target=document)


def set_klasifikasi(engine: Engine, actor: Who, kind: str, code: str) -> Changed:
    """The classification code (kode klasifikasi) of ``kind``'s numbers (``470``)."""
    office.check_choice(kind, tuple(NUMBERED), "jenis nomor")
    values = {office.klasifikasi_key(kind): office.check_klasifikasi(code)}
    return _write(engine, actor, "office_klasifikasi_set", values, target=kind)


def warnings(engine: Engine) -> list[str]:
    """What ``cetak doctor`` and ``cetak init`` warn about while the profile is incomplete
    (empty: complete; a database not migrated says nothing here)."""
    import sqlalchemy as sa

    try:
        profile = office.load_profile(engine)
    except sa.exc.SQLAlchemyError:
        return []
    return profile.missing()

"""``cetak init``: set up the schema and record the regency served (with its blank store)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import delete, select

from cetak.db import migrate, write_session
from cetak.installation import RegencyChangeRefused, ServedRegency, load_installation
from cetak.models import Installation, Kecamatan
from cetak.regions import Regency
from inventory.sites import ensure_default_site


def initialise(engine: Engine, regency: Regency) -> tuple[ServedRegency, bool]:
    """Create or migrate the schema and record the regency served (idempotent).

    Returns the installation and whether anything changed. Re-initialising with
    another regency is refused once records exist (see ``RegencyChangeRefused``).
    """
    migrate(engine)
    with write_session(engine) as session:
        current = session.get(Installation, 1)
        if current is not None and current.kode_wilayah != regency.kode:
            from cetak.models import Record

            if session.exec(select(Record.id).limit(1)).first() is not None:
                raise RegencyChangeRefused(current.kode_wilayah, regency.kode)
        changed = current is None or current.kode_wilayah != regency.kode
        if current is None:
            current = Installation(
                kode_wilayah=regency.kode,
                kabupaten=regency.nama,
                kode_provinsi=regency.kode_provinsi,
                provinsi=regency.provinsi,
                timezone=regency.timezone,
            )
            session.add(current)
        else:
            current.kode_wilayah = regency.kode
            current.kabupaten = regency.nama
            current.kode_provinsi = regency.kode_provinsi
            current.provinsi = regency.provinsi
            current.timezone = regency.timezone
        ensure_default_site(session, regency.nama)
        existing = {k.kode: k for k in session.exec(select(Kecamatan)).all()}
        wanted = {k.kode: k.nama for k in regency.kecamatan}
        if set(existing) != set(wanted) or any(existing[c].nama != n for c, n in wanted.items()):
            changed = True
            session.exec(delete(Kecamatan))
            session.flush()
            for kode, nama in wanted.items():
                session.add(Kecamatan(kode=kode, nama=nama, kode_kabupaten=regency.kode))
    return load_installation(engine), changed


def office_warnings(engine: Engine) -> list[str]:
    """What ``cetak init`` warns about while the office profile is incomplete (issue 13)."""
    from application.office import warnings

    return warnings(engine)

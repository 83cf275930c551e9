"""Which regency this installation serves: ``cetak init`` and the regency's own clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, delete, select

from cetak.db import migrate, write_session
from cetak.errors import CetakError
from cetak.models import Installation, Kecamatan
from cetak.regions import Regency


class NotInitialised(CetakError):
    """The database has not been set up with ``cetak init``."""


@dataclass(frozen=True, slots=True)
class ServedRegency:
    """The installation as the rest of the code sees it (plain data, no session)."""

    kode_wilayah: str
    kabupaten: str
    kode_provinsi: str
    provinsi: str
    timezone: str
    kecamatan: dict[str, str]  # code -> name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self, utc_now: datetime | None = None) -> datetime:
        return (utc_now or datetime.now(UTC)).astimezone(self.zone)

    def today(self, utc_now: datetime | None = None) -> date:
        """The regency's own date (WIB, WITA or WIT)."""
        return self.now(utc_now).date()


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
        from inventory.sites import ensure_default_site

        ensure_default_site(session, regency.nama)
        existing = {k.kode: k for k in session.exec(select(Kecamatan)).all()}
        wanted = {k.kode: k.nama for k in regency.kecamatan}
        if set(existing) != set(wanted) or any(existing[c].nama != n for c, n in wanted.items()):
            changed = True
            session.exec(delete(Kecamatan))  # type: ignore[call-overload]
            session.flush()
            for kode, nama in wanted.items():
                session.add(Kecamatan(kode=kode, nama=nama, kode_kabupaten=regency.kode))
    return load_installation(engine), changed


class RegencyChangeRefused(CetakError):
    def __init__(self, current: str, wanted: str) -> None:
        self.current = current
        self.wanted = wanted
        super().__init__(f"installation serves {current}; refusing to switch to {wanted}")


def load_installation(engine: Engine) -> ServedRegency:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        with Session(engine) as session:
            inst = session.get(Installation, 1)
            kec = session.exec(select(Kecamatan).order_by(Kecamatan.kode)).all()
    except (OperationalError, ProgrammingError) as exc:
        raise NotInitialised() from exc
    if inst is None:
        raise NotInitialised()
    return ServedRegency(
        kode_wilayah=inst.kode_wilayah,
        kabupaten=inst.kabupaten,
        kode_provinsi=inst.kode_provinsi,
        provinsi=inst.provinsi,
        timezone=inst.timezone,
        kecamatan={k.kode: k.nama for k in kec},
    )

"""Which regency this installation serves: ``cetak init`` and the regency's own clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cetak.clock import now_utc
from cetak.errors import CetakError
from cetak.models import Installation, Kecamatan


class NotInitialised(CetakError):
    """The database has not been set up with ``cetak init``."""

    code = "installation.not_initialised"


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
        return (utc_now or now_utc()).astimezone(self.zone)

    def today(self, utc_now: datetime | None = None) -> date:
        """The regency's own date (WIB, WITA or WIT)."""
        return self.now(utc_now).date()


class RegencyChangeRefused(CetakError):
    code = "installation.regency_change_refused"
    current: str
    wanted: str

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(current=current, wanted=wanted)

    def __str__(self) -> str:  # for logs; staff read ``message``
        return f"installation serves {self.current}; refusing to switch to {self.wanted}"


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


class KecamatanNotServed(CetakError):
    """A kecamatan code this installation does not serve (a filter, a site, a place)."""

    code = "installation.unknown_kecamatan"

    def __init__(self, kecamatan: str, kabupaten: str, choices: dict[str, str]) -> None:
        super().__init__(kecamatan=kecamatan, kabupaten=kabupaten, choices=dict(choices))


def require_kecamatan(session: Session, kode: str) -> None:
    """Refuse ``kode`` unless it is a kecamatan of the regency served (``KecamatanNotServed``
    names the valid ones). The read models and use cases that take a kecamatan call this,
    so every front end refuses the same codes the same way."""
    known = {k.kode: k.nama for k in session.exec(select(Kecamatan))}
    if kode in known:
        return
    inst = session.get(Installation, 1)
    raise KecamatanNotServed(kode, inst.kabupaten if inst else "ini", known)

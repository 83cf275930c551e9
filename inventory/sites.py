"""Sites that hold blanks."""

from __future__ import annotations

from sqlmodel import Session, select

from cetak.installation import require_kecamatan
from inventory.errors import SiteExists, UnknownSite
from inventory.ledger import DEFAULT_SITE
from inventory.models import Site


def ensure_default_site(session: Session, kabupaten: str) -> Site:
    """The Disdukcapil print room, created by ``cetak init`` (idempotent)."""
    site = session.get(Site, DEFAULT_SITE)
    if site is None:
        site = Site(code=DEFAULT_SITE, name=f"Ruang cetak Disdukcapil {kabupaten}", is_default=True)
        session.add(site)
        session.flush()
    return site


def add_site(session: Session, *, code: str, name: str, kode_kecamatan: str | None = None) -> Site:
    """A kecamatan office that prints becomes a site of its own."""
    code = code.strip().upper()
    if not code:
        raise UnknownSite(code)
    if session.get(Site, code) is not None:
        raise SiteExists(code)
    if kode_kecamatan is not None:
        require_kecamatan(session, kode_kecamatan)
    site = Site(code=code, name=name, kode_kecamatan=kode_kecamatan)
    session.add(site)
    session.flush()
    return site


def list_sites(session: Session) -> list[Site]:
    return list(session.exec(select(Site).order_by(Site.code)))

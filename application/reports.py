"""Reports for the head of office, read from the database (issue 13, item 5).

The daily production report (laporan harian): per kecamatan the PRRs received from
central, the cards printed, the blanks spoiled by cause and the cards handed over, then the
blanks on hand and their days of cover. :func:`daily_report` builds the document's plain
data, :func:`daily_report_pdf` its PDF bytes (the dashboard's download), and
:func:`write_daily_report` writes and stores it like every generated document (the CLI's
``cetak report daily`` and the ``daily_report`` flow).

What each figure counts:

- PRR diterima: records of the day accepted from central (quarantined ones are counted
  apart), by the kecamatan of the record.
- KTP-el dicetak: cards that came off a printer that day and were not spoiled since.
- Blangko rusak: the ledger's spoiled blanks of the day by cause (what the stock books
  and the monthly report count), by the kecamatan of the card's record; a blank damaged
  on the shelf belongs to no kecamatan and has a row of its own.
- KTP-el diserahkan: hand-overs to residents that day, by the kecamatan where it happened.
- Persediaan: blanks on hand at the day's end (now, for today), the average daily use over
  the usage window (``inventory.reorder.recent_usage``, as the reorder check uses) and days
  of cover = on hand / average daily use.

The monthly report's breakdown by jenis permohonan is built with the rest of the monthly
report, in ``inventory.paperwork.monthly_by_jenis``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.clock import utc_bounds
from cetak.installation import ServedRegency, load_installation
from cetak.models import Record
from cetak.settings import Settings
from distribution.models import Collection
from inventory import paperwork
from inventory.models import Movement
from inventory.policy import usage_basis
from inventory.queries import totals
from inventory.reorder import recent_usage
from inventory.rules import Kind
from papers.documents import DailyReport, KecamatanDay, render_daily_report
from printers.cards import CardState
from printers.models import Card

__all__ = [
    "DAILY_KIND",
    "SHELF_ROW",
    "FutureDay",
    "daily_number",
    "daily_path",
    "daily_report",
    "daily_report_pdf",
    "write_daily_report",
]

#: The kind under which daily reports are kept in the document store (``cetak.storage``).
DAILY_KIND = "laporan-harian"

#: The row of blanks damaged on the shelf: no resident, so no kecamatan.
SHELF_ROW = "Rusak di rak (bukan untuk penduduk)"

_REC = Record.__table__  # type: ignore[attr-defined]
_CARD = Card.__table__  # type: ignore[attr-defined]
_MOV = Movement.__table__  # type: ignore[attr-defined]
_COL = Collection.__table__  # type: ignore[attr-defined]


class FutureDay(ValueError):
    """A daily report was asked for a day that has not begun."""

    def __init__(self, day: date, today: date) -> None:
        super().__init__(f"{day.isoformat()} is after today ({today.isoformat()})")
        self.day = day
        self.today = today


def daily_number(served: ServedRegency, day: date) -> str:
    """``LH-3310-2026-12-03``: one report per day, the same number when written again."""
    return f"LH-{served.kode_wilayah.replace('.', '')}-{day.isoformat()}"


def daily_path(settings: Settings, served: ServedRegency, day: date) -> Path:
    return settings.documents_dir / DAILY_KIND / f"{daily_number(served, day)}.pdf"


def _by_kecamatan(session: Session, query: Any) -> dict[str, int]:
    return {kode or "": int(n or 0) for kode, n in session.execute(query)}


def daily_report(
    engine: Engine,
    settings: Settings,
    served: ServedRegency,
    day: date | None = None,
    *,
    now: datetime | None = None,
) -> DailyReport:
    """The daily report of ``day`` (default: the regency's today) as plain data.

    A day not over yet (today) is reported as it stands at ``now`` (default: the clock);
    a day after today is refused (:class:`FutureDay`)."""
    local_now = served.now(now)
    today = local_now.date()
    day = day or today
    if day > today:
        raise FutureDay(day, today)
    start, end = utc_bounds(served.timezone, day, day)
    rec_kec = _REC.c.kode_kecamatan
    with Session(engine) as session:
        arrived = session.execute(
            sa.select(rec_kec, _REC.c.reason.is_(None), sa.func.count())
            .where(_REC.c.created_at >= start, _REC.c.created_at < end)
            .group_by(rec_kec, _REC.c.reason.is_(None))
        ).all()
        received: dict[str, int] = defaultdict(int)
        quarantined = 0
        for kode, accepted, n in arrived:
            if accepted:
                received[kode or ""] += int(n)
            else:
                quarantined += int(n)
        printed = _by_kecamatan(
            session,
            sa.select(rec_kec, sa.func.count())
            .select_from(_CARD.join(_REC, _REC.c.id == _CARD.c.record_id))
            .where(
                _CARD.c.printed_at >= start,
                _CARD.c.printed_at < end,
                _CARD.c.state.not_in([CardState.SPOILED.value, CardState.VOID.value]),
            )
            .group_by(rec_kec),
        )
        spoiled: dict[str | None, dict[str, int]] = defaultdict(dict)
        for kode, cause, n in session.execute(
            sa.select(rec_kec, _MOV.c.cause, sa.func.sum(_MOV.c.delta_spoiled))
            .select_from(_MOV.outerjoin(_REC, _REC.c.id == _MOV.c.record_id))
            .where(_MOV.c.kind == Kind.SPOILED.value, _MOV.c.at >= start, _MOV.c.at < end)
            .group_by(rec_kec, _MOV.c.cause)
        ):
            if n:
                causes = spoiled[kode]
                key = cause or "RUSAK_FISIK"
                causes[key] = causes.get(key, 0) + int(n)
        collected = _by_kecamatan(
            session,
            sa.select(_COL.c.kode_kecamatan, sa.func.count())
            .where(_COL.c.at >= start, _COL.c.at < end)
            .group_by(_COL.c.kode_kecamatan),
        )
        if day == today:
            on_hand, awaiting = totals(session)
        else:
            on_hand, awaiting = (
                int(v or 0)
                for v in session.execute(
                    sa.select(
                        sa.func.sum(_MOV.c.delta_on_hand), sa.func.sum(_MOV.c.delta_spoiled)
                    ).where(_MOV.c.at < end)
                ).one()
            )
        usage = recent_usage(session, settings=settings, served=served, today=day)
    names = dict(served.kecamatan)
    codes = sorted(set(names) | set(received) | set(printed) | set(collected) | _known(spoiled))
    rows = [
        KecamatanDay(
            kecamatan=names.get(kode, kode or "(tanpa kecamatan)"),
            received=received.get(kode, 0),
            printed=printed.get(kode, 0),
            spoiled=dict(spoiled.get(kode, {})),
            collected=collected.get(kode, 0),
        )
        for kode in codes
    ]
    if spoiled.get(None):
        rows.append(KecamatanDay(SHELF_ROW, 0, 0, dict(spoiled[None]), shelf=True))
    return DailyReport(
        number=daily_number(served, day),
        office=paperwork.office(served, settings),
        day=day,
        rows=tuple(rows),
        on_hand=on_hand,
        daily_use=usage.mean,
        usage_basis=usage_basis(usage.days),
        days_of_cover=on_hand / usage.mean if usage.mean > 0 else None,
        lead_time_days=settings.lead_time_days,
        prepared_by=paperwork.kepala_seksi(settings),
        awaiting_destruction=awaiting,
        quarantined=quarantined,
        as_of=local_now if day == today else None,
    )


def _known(spoiled: dict[str | None, dict[str, int]]) -> set[str]:
    return {kode for kode in spoiled if kode is not None}


def daily_report_pdf(
    engine: Engine, settings: Settings, day: date | None = None, *, now: datetime | None = None
) -> bytes:
    """The daily report's PDF bytes, written nowhere (the dashboard's download)."""
    served = load_installation(engine)
    return render_daily_report(daily_report(engine, settings, served, day, now=now))


def write_daily_report(
    engine: Engine, settings: Settings, day: date | None = None, *, now: datetime | None = None
) -> Path:
    """Write the daily report under ``documents/laporan-harian/`` and keep it in the
    document store; its path. Written again the same day, it replaces the earlier one
    (same number, newer figures)."""
    served = load_installation(engine)
    doc = daily_report(engine, settings, served, day, now=now)
    path = daily_path(settings, served, doc.day)
    return paperwork.keep_pdf(engine, settings, path, render_daily_report(doc), DAILY_KIND)

"""The dashboard's read model: small answers aggregated in the database.

Every function takes a session and plain values (dates, codes, limits) and returns
small lists of dicts: counts grouped in SQL, or lists cut by a LIMIT. Nothing here
loads a whole table, so the cost of a page depends on the window shown, not on the
years of history behind it. Figures that other parts of Cetak already compute (stock
position, balances, QC queue, distribution) come from their own read services.
Works on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from cetak.bahasa import angka, desimal
from cetak.clock import day_start_utc as _day_start
from cetak.clock import utc_bounds as _utc_bounds
from cetak.installation import ServedRegency
from cetak.lifecycle import RecordState
from cetak.models import Alert, Record
from cetak.settings import Settings
from inventory.models import DestructionReport, Movement, ReorderRequest
from inventory.queries import local_day
from inventory.rules import Kind
from printers.cards import CardState
from printers.models import Card
from printers.states import OUT_OF_SERVICE

_REC = Record.__table__  # type: ignore[attr-defined]
_CARD = Card.__table__  # type: ignore[attr-defined]
_MOV = Movement.__table__  # type: ignore[attr-defined]
_ALERT = Alert.__table__  # type: ignore[attr-defined]

#: Waiting for a card: queued and held (the feed spec's "waits unprinted") and scheduled.
WAITING = (RecordState.QUEUED.value, RecordState.HELD.value, RecordState.SCHEDULED.value)
#: Age bands of waiting PRRs, in days since the PRR arrived: (label, lower bound).
AGE_BANDS: tuple[tuple[str, int], ...] = (
    ("0-3 hari", 0),
    ("4-7 hari", 4),
    ("8-14 hari", 8),
    ("> 14 hari", 15),
)
#: Every ledger kind: naming them all lets a time-window query use ``ix_movement_kind_at``.
_ALL_KINDS = [k.value for k in Kind]


def _not_by_index(column: Any) -> Any:
    """``column || ''``: the same value, but SQLite will not pick the column's own index
    for it. For conditions like ``state = 'spoiled' AND created_at >= :start``, where the
    state matches every spoiled card of all history and the time index finds the window's."""
    return column.concat("")


@contextmanager
def _pg_local(session: Session, setting: str, value: str) -> Iterator[None]:
    """``SET LOCAL setting = value`` on PostgreSQL for the statements inside, then back to
    the server's default (nothing on SQLite)."""
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        session.execute(sa.text(f"SET LOCAL {setting} = {value}"))
    yield
    if pg:
        session.execute(sa.text(f"SET LOCAL {setting} TO DEFAULT"))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _age_band(column: Any, *, today: date, tz: str) -> Any:
    """SQL CASE naming the age band of a PRR that arrived at ``column``."""
    whens = []
    for label, lower in reversed(AGE_BANDS[1:]):
        # Arrived before the start of (today - lower + 1): at least ``lower`` days old.
        whens.append((column < _day_start(today - timedelta(days=lower - 1), tz), label))
    return sa.case(*whens, else_=AGE_BANDS[0][0])


# --- records and the queue -------------------------------------------------------------------


def waiting_prr(session: Session, *, today: date, tz: str) -> dict[str, Any]:
    """PRRs waiting for a card: per state, per age band, and the oldest arrival."""
    band = _age_band(_REC.c.created_at, today=today, tz=tz)
    rows = session.execute(
        sa.select(_REC.c.state, band, sa.func.count(), sa.func.min(_REC.c.created_at))
        .where(_REC.c.state.in_(WAITING))
        .group_by(_REC.c.state, band)
    ).all()
    by_state = dict.fromkeys(WAITING, 0)
    by_age = {label: 0 for label, _ in AGE_BANDS}
    oldest: datetime | None = None
    for state, label, n, first in rows:
        by_state[state] += int(n)
        by_age[label] += int(n)
        if first is not None:
            first = first if first.tzinfo else first.replace(tzinfo=UTC)
            oldest = first if oldest is None or first < oldest else oldest
    oldest_days = None
    if oldest is not None:
        oldest_days = (today - oldest.astimezone(ZoneInfo(tz)).date()).days
    return {
        "total": sum(by_state.values()),
        "by_state": by_state,
        "by_age": by_age,
        "oldest_days": oldest_days,
    }


def queue_by_kecamatan(
    session: Session, *, today: date, tz: str, kecamatan: dict[str, str]
) -> list[dict[str, Any]]:
    """Waiting PRRs per kecamatan and age band (one row per kecamatan with any)."""
    band = _age_band(_REC.c.created_at, today=today, tz=tz)
    rows = session.execute(
        sa.select(_REC.c.kode_kecamatan, band, sa.func.count())
        .where(_REC.c.state.in_(WAITING))
        .group_by(_REC.c.kode_kecamatan, band)
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for kode, label, n in rows:
        row = out.setdefault(
            kode,
            {
                "kode_kecamatan": kode,
                "kecamatan": kecamatan.get(kode, kode),
                "jumlah": 0,
                **{lbl: 0 for lbl, _ in AGE_BANDS},
            },
        )
        row[label] += int(n)
        row["jumlah"] += int(n)
    return sorted(out.values(), key=lambda r: (-r["jumlah"], r["kode_kecamatan"]))


def needs_attention(session: Session, *, limit: int = 200) -> list[dict[str, Any]]:
    """Records an operator must look at (failed three times, or could not be laid out)."""
    rows = session.execute(
        sa.select(
            _REC.c.prr_id,
            _REC.c.nik,
            _REC.c.nama,
            _REC.c.kode_kecamatan,
            _REC.c.attempts,
            _REC.c.reason_detail,
            _REC.c.updated_at,
        )
        .where(_REC.c.state == RecordState.NEEDS_ATTENTION.value)
        .order_by(_REC.c.updated_at)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def count_in_state(session: Session, *, state: str) -> int:
    return int(
        session.execute(sa.select(sa.func.count()).where(_REC.c.state == state)).scalar() or 0
    )


def daily_flow(session: Session, *, today: date, days: int, tz: str) -> list[dict[str, Any]]:
    """Per day of the window ending today: PRRs that arrived and cards that came off a printer."""
    first = today - timedelta(days=days - 1)
    start, end = _utc_bounds(tz, first, today)
    rday = local_day(session, _REC.c.created_at, tz)
    arrived = {
        _as_date(d): int(n)
        for d, n in session.execute(
            sa.select(rday, sa.func.count())
            .where(_REC.c.created_at >= start, _REC.c.created_at < end, _REC.c.reason.is_(None))
            .group_by(rday)
        )
    }
    cday = local_day(session, _CARD.c.printed_at, tz)
    printed = {
        _as_date(d): int(n)
        for d, n in session.execute(
            sa.select(cday, sa.func.count())
            .where(_CARD.c.printed_at >= start, _CARD.c.printed_at < end)
            .group_by(cday)
        )
    }
    return [
        {"tanggal": d, "prr_masuk": arrived.get(d, 0), "kartu_dicetak": printed.get(d, 0)}
        for d in (first + timedelta(days=i) for i in range(days))
    ]


def printed_today(session: Session, *, today: date, tz: str) -> dict[str, int]:
    """Cards that came off a printer today, and cards spoiled today."""
    start, end = _utc_bounds(tz, today, today)
    printed = session.execute(
        sa.select(sa.func.count()).where(_CARD.c.printed_at >= start, _CARD.c.printed_at < end)
    ).scalar()
    spoiled = session.execute(
        sa.select(sa.func.count()).where(
            _not_by_index(_CARD.c.state) == CardState.SPOILED,
            _CARD.c.created_at >= start,
            _CARD.c.created_at < end,
        )
    ).scalar()
    return {"printed": int(printed or 0), "spoiled": int(spoiled or 0)}


# --- printers --------------------------------------------------------------------------------


def printers(session: Session, *, today: date, tz: str, days: int = 30) -> list[dict[str, Any]]:
    """Each printer's state, today's counters, rest, ribbon and spoilage over ``days``."""
    from printers.registry import counters_today, list_printers

    start, _ = _utc_bounds(tz, today - timedelta(days=days - 1), today)
    is_spoiled = sa.case((_CARD.c.state == CardState.SPOILED, 1), else_=0)
    # Every card but a void one took a blank: the rate is spoiled blanks over blanks taken.
    used = {
        name: (int(n), int(bad or 0))
        for name, n, bad in session.execute(
            sa.select(_CARD.c.printer_name, sa.func.count(), sa.func.sum(is_spoiled))
            .where(_CARD.c.created_at >= start, _CARD.c.state != CardState.VOID)
            .group_by(_CARD.c.printer_name)
        )
    }
    rows = []
    for p in list_printers(session):
        printed_today, spoiled_today = counters_today(p, today=today)
        taken, bad = used.get(p.name, (0, 0))
        rows.append(
            {
                "name": p.name,
                "driver": p.driver,
                "site": p.site_code,
                "state": p.state,
                "reason": p.state_reason,
                "printed_today": printed_today,
                "spoiled_today": spoiled_today,
                "daily_limit": p.daily_limit,
                "since_rest": p.since_rest,
                "rest_after": p.rest_after,
                "rest_minutes": p.rest_minutes,
                "rest_until": p.rest_until,
                "ribbon_percent": p.ribbon_percent,
                "ribbon_left": p.ribbon_left,
                "blanks_window": taken,
                "spoiled_window": bad,
                "spoilage_rate": bad / taken if taken else None,
            }
        )
    return rows


def spoilage(session: Session, *, today: date, tz: str, days: int = 30) -> list[dict[str, Any]]:
    """Spoiled cards of the window by printer and cause (``ix_card_created_at`` finds the
    window's cards; ``ix_card_state`` would find every spoiled card of all history)."""
    start, _ = _utc_bounds(tz, today - timedelta(days=days - 1), today)
    rows = session.execute(
        sa.select(_CARD.c.printer_name, _CARD.c.spoil_cause, sa.func.count())
        .where(_not_by_index(_CARD.c.state) == CardState.SPOILED, _CARD.c.created_at >= start)
        .group_by(_CARD.c.printer_name, _CARD.c.spoil_cause)
    )
    return [
        {"printer": printer or "-", "cause": cause or "RUSAK_FISIK", "jumlah": int(n)}
        for printer, cause, n in rows
    ]


def awaiting_qc(session: Session, *, limit: int = 200) -> list[dict[str, Any]]:
    """Printed cards waiting for QC, with the record they belong to (for the QC form)."""
    from printers.qc import awaiting_qc as cards_awaiting

    cards = cards_awaiting(session, limit=limit)
    ids = [c.record_id for c in cards]
    records = {
        r.id: r
        for r in session.execute(
            sa.select(
                _REC.c.id, _REC.c.prr_id, _REC.c.nik, _REC.c.nama, _REC.c.kode_kecamatan
            ).where(_REC.c.id.in_(ids))
        )
    }
    out = []
    for c in cards:
        r = records.get(c.record_id)
        out.append(
            {
                "card_ref": c.card_ref,
                "printer": c.printer_name,
                "printed_at": c.printed_at,
                "prr_id": r.prr_id if r else None,
                "nik": r.nik if r else "",
                "nama": r.nama if r else "",
                "kode_kecamatan": r.kode_kecamatan if r else "",
            }
        )
    return out


def card_count(session: Session, *, state: str) -> int:
    return int(
        session.execute(sa.select(sa.func.count()).where(_CARD.c.state == state)).scalar() or 0
    )


# --- stock -----------------------------------------------------------------------------------


def stock_figures(
    session: Session, *, today: date, settings: Settings, served: ServedRegency
) -> dict[str, Any]:
    """The stock read model shared with the CLI (``inventory.figures.stock_figures``)."""
    from inventory import figures

    return figures.stock_figures(session, today=today, settings=settings, served=served)


def lots(session: Session) -> list[dict[str, Any]]:
    from inventory.queries import stock_by_lot

    return stock_by_lot(session)


def on_hand_history(session: Session, *, today: date, days: int, tz: str) -> list[dict[str, Any]]:
    """Blanks on hand at the end of each day of the window, walking back from the balance.

    Only the window's movements are summed (per day, in SQL): the end-of-day stock is
    today's balance minus what moved after that day.
    """
    from inventory.queries import totals

    first = today - timedelta(days=days - 1)
    start, _ = _utc_bounds(tz, first, today)
    day = local_day(session, _MOV.c.at, tz)
    deltas = {
        _as_date(d): int(n or 0)
        for d, n in session.execute(
            sa.select(day, sa.func.sum(_MOV.c.delta_on_hand))
            .where(_MOV.c.kind.in_(_ALL_KINDS), _MOV.c.at >= start)
            .group_by(day)
        )
    }
    on_hand, _ = totals(session)
    out = []
    level = on_hand
    for i in range(days):
        d = today - timedelta(days=i)
        out.append({"tanggal": d, "stok": level})
        level -= deltas.get(d, 0)
    out.reverse()
    return out


def ledger(
    session: Session,
    *,
    first: date,
    last: date,
    tz: str,
    kind: str | None = None,
    lot: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Ledger rows of a date window, newest first, at most ``limit``, each with ``saldo``:
    the blanks on hand (of the lot, when one is chosen; else of all lots) right after it.

    The balance walks back from today's: what moved after the window is summed in SQL,
    and within the window a running sum (a window function) of the newer rows' deltas.
    """
    from inventory.queries import stock_by_lot, totals

    start, end = _utc_bounds(tz, first, last)
    scope = [_MOV.c.kind.in_(_ALL_KINDS)]
    if lot:
        scope.append(_MOV.c.lot_code == lot)
        now = sum(int(r["on_hand"] or 0) for r in stock_by_lot(session) if r["lot"] == lot)
    else:
        now, _ = totals(session)
    after = int(
        session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(_MOV.c.delta_on_hand), 0)).where(
                *scope, _MOV.c.at >= end
            )
        ).scalar()
        or 0
    )
    newer = sa.func.sum(_MOV.c.delta_on_hand).over(
        order_by=(_MOV.c.at.desc(), _MOV.c.id.desc()), rows=(None, -1)
    )
    window = (
        sa.select(
            _MOV.c.id,
            _MOV.c.at,
            _MOV.c.kind,
            _MOV.c.site_code,
            _MOV.c.lot_code,
            _MOV.c.delta_on_hand,
            _MOV.c.delta_spoiled,
            _MOV.c.cause,
            _MOV.c.card_ref,
            _MOV.c.actor,
            _MOV.c.note,
            sa.func.coalesce(newer, 0).label("newer"),
        )
        .where(*scope, _MOV.c.at >= start, _MOV.c.at < end)
        .subquery()
    )
    query = sa.select(window).order_by(window.c.at.desc(), window.c.id.desc()).limit(limit)
    if kind:
        query = query.where(window.c.kind == kind)
    out = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row["saldo"] = now - after - int(row.pop("newer") or 0)
        row.pop("id")
        out.append(row)
    return out


def reorder_requests(session: Session, *, limit: int = 50) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(ReorderRequest).order_by(ReorderRequest.id.desc()).limit(limit)  # type: ignore[union-attr]
    ).scalars()
    return [
        {
            "id": r.id,
            "number": r.number,
            "state": r.state,
            "quantity": r.quantity,
            "confirmed_quantity": r.confirmed_quantity,
            "created_at": r.created_at,
            "sent_at": r.sent_at,
            "confirmed_at": r.confirmed_at,
            "closed_at": r.closed_at,
            "letter_path": r.letter_path,
        }
        for r in rows
    ]


def awaiting_destruction(session: Session, *, limit: int = 200) -> dict[str, Any]:
    """Spoiled blanks kept for the next berita acara: per lot and cause, and the first rows.

    The same rows as ``inventory.operations.awaiting_destruction`` (SPOILED, neither
    destroyed nor reversed), found newest first on ``ix_movement_kind_at`` and stopped
    at the balance cache's count of blanks awaiting destruction: the scan reads about
    what was spoiled since the last destruction instead of every spoiled blank of all
    history. The cache is kept by the same transactions and checked by reconciliation.
    """
    from inventory.queries import totals

    _, expected = totals(session)
    later = _MOV.alias("later")
    settled = sa.exists().where(
        sa.or_(later.c.destroys_id == _MOV.c.id, later.c.reverses_id == _MOV.c.id)
    )
    # On PostgreSQL three things keep the walk short. ``delta_spoiled + 0``: the same test,
    # but without the column's statistics, from which the planner would take "SPOILED and
    # delta_spoiled > 0" for a tiny share of the ledger (it multiplies the two) and sort
    # every spoiled entry of all history. Ordered by ``at`` alone, the index's own order (the
    # ties are sorted below): an ``id`` tie-break would make it read one matching row past
    # the last to close the group of equal times, and there is none, so it would read to
    # the end. And no parallel workers: merging their streams needs the next row of each,
    # with the same effect.
    with _pg_local(session, "max_parallel_workers_per_gather", "0"):
        found = session.execute(
            sa.select(_MOV.c.id, _MOV.c.at, _MOV.c.lot_code, _MOV.c.cause, _MOV.c.card_ref)
            .where(_MOV.c.kind == Kind.SPOILED.value, (_MOV.c.delta_spoiled + 0) > 0, ~settled)
            .order_by(_MOV.c.at.desc())
            .limit(max(expected, 0))
        ).all()
    moves = sorted(found, key=lambda m: (m.at, m.id))  # oldest first
    groups: dict[tuple[str, str], int] = {}
    for m in moves:
        key = (m.lot_code, m.cause or "RUSAK_FISIK")
        groups[key] = groups.get(key, 0) + 1
    return {
        "total": len(moves),
        "groups": [{"lot": lot, "cause": cause, "jumlah": n} for (lot, cause), n in groups.items()],
        "rows": [
            {"at": m.at, "lot": m.lot_code, "cause": m.cause, "card_ref": m.card_ref}
            for m in moves[:limit]
        ],
    }


def destruction_reports(session: Session, *, limit: int = 50) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(DestructionReport).order_by(DestructionReport.id.desc()).limit(limit)  # type: ignore[union-attr]
    ).scalars()
    return [
        {
            "number": r.number,
            "held_on": r.held_on,
            "place": r.place,
            "quantity": r.quantity,
            "officers": ", ".join(json.loads(r.officers_json)),
            "witnesses": ", ".join(json.loads(r.witnesses_json)),
            "pdf_path": r.pdf_path,
        }
        for r in rows
    ]


def recent_alerts(session: Session, *, since: datetime, limit: int = 20) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(_ALERT.c.created_at, _ALERT.c.kind, _ALERT.c.level, _ALERT.c.message)
        .where(_ALERT.c.created_at >= since)
        .order_by(_ALERT.c.created_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


# --- quarantine ------------------------------------------------------------------------------

QUARANTINE_COLUMNS = ("prr_id", "batch_id", "row_number", "reason", "reason_detail", "nik")


def _quarantine_query(columns: Sequence[Any], filters: dict[str, str | None]) -> Any:
    query = sa.select(*columns).where(_REC.c.state == RecordState.QUARANTINED.value)
    if filters.get("reason"):
        query = query.where(_REC.c.reason == filters["reason"])
    if filters.get("batch"):
        query = query.where(_REC.c.batch_id == filters["batch"])
    if filters.get("kecamatan"):
        query = query.where(_REC.c.kode_kecamatan == filters["kecamatan"])
    return query


def quarantine_reasons(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        _quarantine_query([_REC.c.reason, sa.func.count()], {})
        .group_by(_REC.c.reason)
        .order_by(sa.func.count().desc())
    )
    return [{"reason": reason or "-", "jumlah": int(n)} for reason, n in rows]


def quarantine_batches(session: Session, *, limit: int = 200) -> list[str]:
    """Batches with quarantined rows, newest first (from the batch table's own counts)."""
    from cetak.models import Batch

    table = Batch.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(table.c.batch_id)
        .where(table.c.quarantined > 0)
        .order_by(table.c.batch_id.desc())
        .limit(limit)
    )
    return [b for (b,) in rows]


def quarantine(
    session: Session,
    *,
    reason: str | None = None,
    batch: str | None = None,
    kecamatan: str | None = None,
    limit: int = 500,
) -> dict[str, Any]:
    """Quarantined records matching the filters: how many, and the first ``limit``."""
    filters = {"reason": reason, "batch": batch, "kecamatan": kecamatan}
    total = session.execute(_quarantine_query([sa.func.count()], filters)).scalar()
    cols = [_REC.c[c] for c in QUARANTINE_COLUMNS] + [_REC.c.kode_kecamatan, _REC.c.nama]
    # Ordered by an expression: SQLite would otherwise walk the whole table in id order
    # instead of finding the few quarantined rows by the state index, then sorting them.
    rows = session.execute(_quarantine_query(cols, filters).order_by(_REC.c.id + 0).limit(limit))
    return {"total": int(total or 0), "rows": [dict(r._mapping) for r in rows]}


def quarantine_csv(
    session: Session,
    *,
    show_nik: Any,
    reason: str | None = None,
    batch: str | None = None,
    kecamatan: str | None = None,
) -> bytes:
    """Every matching quarantined record as CSV for central, streamed from the database.

    ``show_nik`` turns a stored NIK into what this user may see (masked or whole). Cells
    are written through ``cetak.csvsafe``: a value from central such as ``=HYPERLINK(...)``
    is never run as a formula by the spreadsheet that opens the file.
    """
    from cetak.csvsafe import safe_csv_row

    filters = {"reason": reason, "batch": batch, "kecamatan": kecamatan}
    cols = [_REC.c[c] for c in QUARANTINE_COLUMNS]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(QUARANTINE_COLUMNS)
    query = _quarantine_query(cols, filters).order_by(_REC.c.id)
    for row in session.execute(query.execution_options(yield_per=2000)):
        item = dict(row._mapping)
        item["nik"] = show_nik(item["nik"] or "")
        writer.writerow(safe_csv_row(item[c] for c in QUARANTINE_COLUMNS))
    return buf.getvalue().encode("utf-8")


# --- audit -----------------------------------------------------------------------------------


def audit_choices(session: Session, *, limit: int = 200) -> dict[str, list[str]]:
    """Names and actions that appear in the audit trail (for the filters)."""
    from cetak.users import AuditEntry

    table = AuditEntry.__table__  # type: ignore[attr-defined]
    actors = session.execute(
        sa.select(table.c.actor).group_by(table.c.actor).order_by(table.c.actor).limit(limit)
    ).scalars()
    actions = session.execute(
        sa.select(table.c.action).group_by(table.c.action).order_by(table.c.action).limit(limit)
    ).scalars()
    return {"actors": list(actors), "actions": list(actions)}


def audit(
    session: Session,
    *,
    first: date,
    last: date,
    tz: str,
    actor: str | None = None,
    action: str | None = None,
    failed_only: bool = False,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Audit rows of a date window, newest first (``ix_auditentry_at``)."""
    from cetak.users import AuditEntry

    table = AuditEntry.__table__  # type: ignore[attr-defined]
    start, end = _utc_bounds(tz, first, last)
    query = (
        sa.select(
            table.c.at,
            table.c.actor,
            table.c.role,
            table.c.action,
            table.c.target,
            table.c.detail_json,
            table.c.ok,
        )
        .where(table.c.at >= start, table.c.at < end)
        .order_by(table.c.at.desc(), table.c.id.desc())
        .limit(limit)
    )
    if actor:
        query = query.where(table.c.actor == actor)
    if action:
        query = query.where(table.c.action == action)
    if failed_only:
        query = query.where(table.c.ok.is_(False))
    return [dict(r._mapping) for r in session.execute(query)]


# --- lead times ------------------------------------------------------------------------------


def _days_between(session: Session, later: Any, earlier: Any) -> Any:
    """Whole days from ``earlier`` to ``later`` (timestamps or ISO dates), in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        # date_part is double precision; EXTRACT is numeric, slower per row.
        return sa.func.floor(sa.func.date_part("epoch", later.op("-")(earlier)) / 86400)
    return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)


def percentile(histogram: Iterable[tuple[int, int]], share: float) -> int | None:
    """Nearest-rank percentile of values given as ``(value, count)`` pairs."""
    pairs = sorted((int(v), int(n)) for v, n in histogram if n)
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    rank = max(1, -(-int(share * total * 1000) // 1000))  # ceil without float noise
    seen = 0
    for value, n in pairs:
        seen += n
        if seen >= rank:
            return value
    return pairs[-1][0]


def _per_row(session: Session, days: Any, where: Sequence[Any], join: Any) -> Any:
    """A histogram of ``days`` over the window's rows (``where``).

    SQLite joins (``join``: the window's table to the row holding the stage's other end,
    found by its primary key). PostgreSQL would hash the whole other table, of all history,
    for the window's few thousand rows, so there the other end is a correlated scalar
    subquery, looked up per row; ``OFFSET 0`` keeps the subquery whole, so the lookup runs
    once per row, not again in the GROUP BY."""
    if session.get_bind().dialect.name != "postgresql":
        return sa.select(days, sa.func.count()).select_from(join).where(*where).group_by(days)
    rows = sa.select(days.label("days")).where(*where).offset(0).subquery()
    return sa.select(rows.c.days, sa.func.count()).group_by(rows.c.days)


def _printed_stage(session: Session, start: datetime) -> Any:
    """PRR → cetak: arrival to the card coming off the printer, for cards printed since
    ``start`` (spoiled ones left out)."""
    where = [_CARD.c.printed_at >= start, _CARD.c.state != CardState.SPOILED]
    join = _CARD.join(_REC, _REC.c.id == _CARD.c.record_id)
    arrived: Any = _REC.c.created_at
    if session.get_bind().dialect.name == "postgresql":
        arrived = sa.select(_REC.c.created_at).where(_REC.c.id == _CARD.c.record_id)
        arrived = arrived.scalar_subquery()
    return _per_row(session, _days_between(session, _CARD.c.printed_at, arrived), where, join)


def _collected_stage(session: Session, start: datetime) -> Any:
    """Cetak → diambil: the card coming off the printer to its collection, for
    collections since ``start``."""
    from distribution.models import Collection

    col = Collection.__table__  # type: ignore[attr-defined]
    join = col.join(_CARD, _CARD.c.id == col.c.card_id)
    printed: Any = _CARD.c.printed_at
    if session.get_bind().dialect.name == "postgresql":
        printed = sa.select(_CARD.c.printed_at).where(_CARD.c.id == col.c.card_id)
        printed = printed.scalar_subquery()
    return _per_row(session, _days_between(session, col.c.at, printed), [col.c.at >= start], join)


def lead_times(session: Session, *, today: date, days: int, tz: str) -> list[dict[str, Any]]:
    """Median and 90th percentile, in days, of each stage for what finished in the window.

    Recording to PRR (``tanggal_rekam`` to arrival), PRR to print (arrival to the card
    coming off the printer), print to collection. Each stage is a histogram of whole
    days grouped in SQL; the percentiles are read from it.
    """
    start, _ = _utc_bounds(tz, today - timedelta(days=days - 1), today)
    arrival_day = local_day(session, _REC.c.created_at, tz)
    if session.get_bind().dialect.name == "postgresql":
        # date - date is a whole number of days in PostgreSQL.
        rekam = sa.type_coerce(
            arrival_day.op("-")(sa.cast(_REC.c.tanggal_rekam, sa.Date)), sa.Integer
        )
    else:
        rekam = _days_between(session, arrival_day, _REC.c.tanggal_rekam)
    stages = [
        (
            "Perekaman → PRR",
            sa.select(rekam, sa.func.count())
            .where(
                _REC.c.created_at >= start,
                _REC.c.reason.is_(None),
                _REC.c.tanggal_rekam.like("____-__-__"),
            )
            .group_by(rekam),
        ),
    ]
    stages.append(("PRR → cetak", _printed_stage(session, start)))
    stages.append(("Cetak → diambil", _collected_stage(session, start)))
    out = []
    # The lookups' estimated cost passes PostgreSQL's ``jit_above_cost``: compiling the
    # query would take longer than running it over the window's few thousand rows.
    with _pg_local(session, "jit", "off"):
        for label, query in stages:
            hist = [(int(v), int(n)) for v, n in session.execute(query) if v is not None]
            out.append(
                {
                    "tahap": label,
                    "jumlah": sum(n for _, n in hist),
                    "median": percentile(hist, 0.5),
                    "p90": percentile(hist, 0.9),
                }
            )
    return out


# --- distribution (``distribution.queries``) ---------------------------------------


def distribution_status(session: Session, *, today: date, tz: str) -> list[dict[str, Any]]:
    from distribution import queries

    return queries.distribution_status(session, today=today, tz=tz)


def open_discrepancies(session: Session) -> list[dict[str, Any]]:
    from distribution import queries

    return queries.open_discrepancies(session)


def uncollected_ages(
    session: Session, *, today: date, tz: str, kecamatan: str | None = None
) -> list[dict[str, Any]]:
    from distribution import queries

    return queries.uncollected_ages(session, today=today, tz=tz, kecamatan=kecamatan)


def jemput_bola(
    session: Session,
    *,
    today: date,
    tz: str,
    full_nik: bool,
    min_age: int | None = None,
    kecamatan: str | None = None,
    limit: int = 500,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """Residents aged ``min_age`` or more (by default ``CETAK_JEMPUT_BOLA_AGE``) to visit."""
    from distribution import queries

    if min_age is None:
        min_age = (
            settings.jemput_bola_age
            if settings is not None
            else Settings.model_fields["jemput_bola_age"].default
        )
    return queries.jemput_bola(
        session,
        today=today,
        tz=tz,
        min_age=min_age,
        kecamatan=kecamatan,
        full_nik=full_nik,
        limit=limit,
    )


def shipments(
    session: Session, *, limit: int = 200, kecamatan: str | None = None, state: str | None = None
) -> list[dict[str, Any]]:
    from distribution import queries

    return queries.shipments(session, limit=limit, kecamatan=kecamatan, state=state)


def open_discrepancy_count(session: Session) -> int:
    from distribution.models import Discrepancy, DiscrepancyState

    table = Discrepancy.__table__  # type: ignore[attr-defined]
    open_cases = sa.select(sa.func.count()).where(table.c.state == DiscrepancyState.OPEN)
    return int(session.execute(open_cases).scalar() or 0)


# --- documents -------------------------------------------------------------------------------


def available_documents(session: Session, *, paths: tuple[str, ...], home: str) -> list[str]:
    """Which recorded document ``paths`` (manifests, letters, berita acara; maybe written
    on another machine) can be downloaded here: kept in the database's document store,
    or, made before the store existed, a file on this machine."""
    from cetak import storage

    names = {p: storage.name_for(p, Path(home)) for p in paths if p}
    held = storage.stored_names(session, names.values())
    return [p for p, name in names.items() if name in held or Path(p).is_file()]


def document_bytes(session: Session, *, path: str, home: str) -> bytes:
    """The bytes of a recorded document: from the document store, else the local file
    (empty when neither has it any more)."""
    from cetak import storage

    return storage.read(session, local=path, home=Path(home)) or b""


# --- the summary -----------------------------------------------------------------------------


def attention(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """What needs someone now, most urgent first: ``(level, message)`` with level
    ``error`` or ``warning`` (pure: reads the figures the summary already holds)."""
    items: list[tuple[str, str]] = []
    stock = figures["stock"]
    cover = stock["days_of_cover"]
    if stock["escalate"] and cover is not None:
        items.append(
            (
                "error",
                f"Blangko hanya cukup untuk {desimal(cover, 1)} hari, lebih pendek dari waktu "
                f"tunggu kiriman pusat ({desimal(stock['lead_time_days'], 1)} hari): laporkan "
                "ke Kepala seksi.",
            )
        )
    request = stock["open_request"]
    if request is not None and request["state"] == "DRAFT":
        items.append(
            (
                "warning",
                f"Permintaan blangko {request['number']} ({angka(request['quantity'])} keping) "
                "belum dikirim ke pusat.",
            )
        )
    elif stock["reorder_due"] and request is None:
        items.append(("warning", "Stok di bawah titik pesan ulang dan belum ada permintaan."))
    for p in figures["printers"]:
        if p["state"] in OUT_OF_SERVICE:
            why = f": {p['reason']}" if p["reason"] else ""
            items.append(("warning", f"Printer {p['name']} tidak dapat mencetak{why}."))
    counts = [
        ("needs_attention", "record PRR perlu diperiksa operator (gagal cetak berulang)."),
        ("awaiting_qc", "kartu tercetak menunggu QC."),
        ("open_discrepancies", "selisih kiriman ke kecamatan belum diselesaikan."),
        ("over_90", "KTP-el belum diambil lebih dari 90 hari di kecamatan."),
    ]
    for key, text in counts:
        n = figures.get(key) or 0
        if n:
            items.append(("warning", f"{angka(n)} {text}"))
    return items

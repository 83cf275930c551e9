"""The lean read path of the read-only commands: plain SQL over ``sqlite3`` or ``psycopg``.

Issue 16 asks every read-only command to answer in 0.3 s; importing SQLAlchemy and sqlmodel
alone takes longer. ``cetak status``, ``records``, ``stock status``, ``printers list`` and
``shipments`` therefore read here, with the same SQL their read models
(``application.queries``, ``inventory.figures``, ``printers.registry``,
``distribution.queries``) let SQLAlchemy write, and the same pure rules
(``inventory.policy``) on the result: the same figures, the same order, the same types.
``tests/e2e/test_fast_cli.py`` runs every command both ways on one SQLite and one
PostgreSQL database and compares the output.

All the SQL of the lean path is in this module. ``open_reader`` gives None whenever the
lean path cannot answer exactly as the full one would (settings that are not plain, a
database URL of another driver, a database not initialised): the command then takes its
full path, which also says every error as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from cetak import envsettings
from cetak.clock import now_utc, utc_bounds
from cetak.lifecycle import RECORD_FIELDS as RECORD_FIELDS
from cetak.lifecycle import RecordState

# Stored values the read models compare with (``tests/unit/test_fast_lazy_cli.py`` holds them
# equal to their enums: printers.cards, distribution.models/rules, inventory.*).
LIVE_CARD_STATES = ("packed", "dispatched", "received", "returned", "lost")
CARD_DISPATCHED, CARD_RECEIVED, CARD_COLLECTED = "dispatched", "received", "collected"
CASE_OPEN = "open"
OUTCOME_MISSING, OUTCOME_DAMAGED = "missing", "damaged"
USED_KINDS = ("CONSUMED", "SPOILED")
LOAN_IN = "in"
REQUEST_OPEN = ("DRAFT", "SENT", "CONFIRMED")
STOCK_OUT = "STOCK_OUT"


_ZONE = re.compile(r"[A-Za-z0-9_/+-]{1,64}")


class Served:
    """``cetak.installation.ServedRegency`` as the lean path reads it (a plain class: a
    dataclass costs its import time)."""

    __slots__ = ("kode_wilayah", "kabupaten", "kode_provinsi", "provinsi", "timezone", "kecamatan")

    def __init__(
        self,
        kode_wilayah: str,
        kabupaten: str,
        kode_provinsi: str,
        provinsi: str,
        timezone: str,
        kecamatan: dict[str, str],
    ) -> None:
        self.kode_wilayah = kode_wilayah
        self.kabupaten = kabupaten
        self.kode_provinsi = kode_provinsi
        self.provinsi = provinsi
        self.timezone = timezone
        self.kecamatan = kecamatan

    def today(self) -> date:
        return now_utc().astimezone(ZoneInfo(self.timezone)).date()


class Reader:
    """One read transaction on the database, and the conversions SQLAlchemy would make."""

    def __init__(self, conn: Any, dialect: str, settings: dict[str, Any]) -> None:
        self.conn = conn
        self.dialect = dialect
        self.settings = settings

    # --- plumbing ------------------------------------------------------------------------

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.dialect == "postgresql":
            sql = sql.replace("?", "%s")
        cur = self.conn.execute(sql, tuple(params))
        return list(cur.fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        return self.rows(sql, params)[0]

    def bind_ts(self, moment: datetime) -> Any:
        """A UTC instant as ``cetak.models.UTCDateTime`` binds it."""
        moment = moment.astimezone(UTC)
        if self.dialect == "sqlite":
            return moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment

    def bind_day(self, day: date) -> Any:
        return day.isoformat() if self.dialect == "sqlite" else day

    @staticmethod
    def ts(value: Any) -> datetime | None:
        """A stored timestamp as ``UTCDateTime`` returns it: aware, in UTC."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(str(value))
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    @staticmethod
    def day(value: Any) -> date | None:
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        return date.fromisoformat(str(value)[:10])

    def local_day(self, column: str, tz: str) -> str:
        """SQL for the regency's day of a UTC timestamp (``inventory.queries.local_day``)."""
        if self.dialect == "postgresql":
            if not _ZONE.fullmatch(tz):
                raise ValueError(tz)
            return f"date(timezone('{tz}', {column}))"
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
        hours = int(offset.total_seconds() // 3600) if offset else 0
        return f"date({column}, '{hours:+d} hours')"

    # --- the installation and the reader's role --------------------------------------------

    def served(self) -> Served | None:
        found = self.rows(
            "SELECT kode_wilayah, kabupaten, kode_provinsi, provinsi, timezone "
            "FROM installation WHERE id = 1"
        )
        if not found:
            return None
        kec = self.rows("SELECT kode, nama FROM kecamatan ORDER BY kode")
        kode, kabupaten, kode_provinsi, provinsi, timezone = found[0]
        return Served(
            kode, kabupaten, kode_provinsi, provinsi, timezone, kecamatan={k: n for k, n in kec}
        )

    def role_of(self, name: str) -> str | None:
        """The role of the active user ``name`` (``cetak.users.officer``), else None."""
        from cetak.access import Role

        found = self.rows(
            "SELECT role, active FROM app_user WHERE name = ? LIMIT 1", (name.strip().lower(),)
        )
        if not found or not found[0][1]:
            return None
        try:
            return str(Role(found[0][0]))
        except ValueError:
            return None

    # --- records (application.queries) -----------------------------------------------------

    def state_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in RecordState}
        for state, n in self.rows("SELECT state, count(*) FROM record GROUP BY state"):
            counts[state] = n
        return counts

    def card_counts(self) -> dict[str, int]:
        return {s: int(n) for s, n in self.rows("SELECT state, count(*) FROM card GROUP BY state")}

    def records(
        self,
        *,
        state: str | None = None,
        kecamatan: str | None = None,
        batch_id: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        if state:
            where.append("state = ?")
            params.append(state)
        if kecamatan is not None:
            where.append("kode_kecamatan = ?")
            params.append(kecamatan)
        if batch_id:
            where.append("batch_id = ?")
            params.append(batch_id)
        sql = f"SELECT {', '.join(RECORD_FIELDS)} FROM record"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        out = []
        for row in self.rows(sql, params):
            item = dict(zip(RECORD_FIELDS, row, strict=True))
            release = self.day(item["release_on"])
            item["release_on"] = None if release is None else release.isoformat()
            out.append(item)
        return out

    # --- stock (inventory.figures.stock_figures) --------------------------------------------

    def stock_figures(self, served: Served, today: date) -> dict[str, Any]:
        from inventory.policy import (
            SHORT_HISTORY_DAYS,
            ReorderInputs,
            reorder_position,
            usage_basis,
        )

        s = self.settings
        on_hand, awaiting = (
            int(x)
            for x in self.one(
                "SELECT coalesce(sum(on_hand), 0), coalesce(sum(awaiting_destruction), 0) "
                "FROM balance"
            )
        )
        owed = dict(
            self.rows("SELECT direction, sum(quantity - returned) FROM loan GROUP BY direction")
        )
        we_owe = int(owed.get(LOAN_IN) or 0)
        usage = self._recent_usage(served, today)
        lead, review = float(s["lead_time_days"]), float(s["review_period_days"])
        demand_lead, demand_cycle = self._known_demand(today, lead, lead + review)
        in_transit = int(
            self.one(
                "SELECT coalesce(sum(confirmed_quantity), 0) FROM reorderrequest "
                "WHERE state = 'CONFIRMED'"
            )[0]
            or 0
        )
        inputs = ReorderInputs(
            on_hand=max(0, on_hand - we_owe),
            in_transit=in_transit,
            known_demand_lead=demand_lead,
            known_demand_cycle=demand_cycle,
            usage=usage,
            lead_time_days=lead,
            review_period_days=review,
            service_level=float(s["service_level"]),
        )
        pos = reorder_position(inputs)
        request = self.rows(
            "SELECT number, state, quantity FROM reorderrequest "
            f"WHERE state IN {_in(REQUEST_OPEN)} ORDER BY id LIMIT 1"
        )
        return {
            "on_hand": on_hand,
            "in_transit": in_transit,
            "awaiting_destruction": awaiting,
            "prr_backlog": self._prr_backlog(),
            "daily_consumption": usage.mean,
            "usage_days": usage.days,
            "usage_basis": usage_basis(usage.days),
            "short_history": usage.days < SHORT_HISTORY_DAYS,
            "new_prr_per_day": usage.new_prr_per_day,
            "spoilage_rate": usage.spoilage_rate,
            "lead_time_days": lead,
            "reorder_point": pos.reorder_point,
            "safety_stock": pos.safety_stock,
            "order_quantity": pos.order_quantity,
            "reorder_due": pos.reorder_due,
            "days_of_cover": pos.days_of_cover,
            "escalate": pos.escalate,
            "open_request": None
            if not request
            else {"number": request[0][0], "state": request[0][1], "quantity": request[0][2]},
        }

    def _prr_backlog(self) -> int:
        states = (RecordState.QUEUED.value, RecordState.SCHEDULED.value, RecordState.HELD.value)
        return int(self.one(f"SELECT count(*) FROM record WHERE state IN {_in(states)}")[0] or 0)

    def _known_demand(self, today: date, lead: float, cycle: float) -> tuple[int, int]:
        """``inventory.reorder.known_demand`` and ``demand_within``."""
        waiting = (RecordState.QUEUED.value, RecordState.SCHEDULED.value)
        held = RecordState.HELD.value
        horizon = today + timedelta(days=int(max(lead, cycle)))
        rows = self.rows(
            f"SELECT CASE WHEN state = '{held}' THEN release_on ELSE NULL END, count(*) "
            f"FROM record WHERE state IN {_in(waiting)} "
            f"OR (state = '{held}' AND release_on <= ?) GROUP BY 1",
            (self.bind_day(horizon),),
        )
        lead_end = today + timedelta(days=int(lead))
        cycle_end = max(lead_end, today + timedelta(days=int(cycle)))
        within_lead = within_cycle = 0
        for raw, n in rows:
            day = self.day(raw)
            if day is None or day <= lead_end:
                within_lead += int(n)
            if day is None or day <= cycle_end:
                within_cycle += int(n)
        return within_lead, within_cycle

    def _recent_usage(self, served: Served, today: date) -> Any:
        """``inventory.reorder.recent_usage`` over ``inventory.queries.usage_history``."""
        from inventory.policy import DayUsage, usage_stats

        tz = served.timezone
        window = int(self.settings["usage_window_days"]) + 1
        end_day = today + timedelta(days=1)
        first = end_day - timedelta(days=window)
        start, end = utc_bounds(tz, first, today)
        bounds = (self.bind_ts(start), self.bind_ts(end))
        used: dict[date, int] = {}
        spoiled = 0
        for d, delta, spoil in self.rows(
            f"SELECT {self.local_day('at', tz)}, sum(delta_on_hand), sum(delta_spoiled) "
            f"FROM movement WHERE kind IN {_in(USED_KINDS)} AND at >= ? AND at < ? GROUP BY 1",
            bounds,
        ):
            day = self.day(d)
            assert day is not None
            used[day] = -int(delta or 0)
            spoiled += int(spoil or 0)
        arrivals: dict[date, int] = {}
        for d, n in self.rows(
            f"SELECT {self.local_day('created_at', tz)}, count(*) FROM record "
            "WHERE reason IS NULL AND created_at >= ? AND created_at < ? GROUP BY 1",
            bounds,
        ):
            day = self.day(d)
            assert day is not None
            arrivals[day] = int(n)
        out_days = {
            self.day(d)
            for (d,) in self.rows(
                f"SELECT DISTINCT {self.local_day('created_at', tz)} FROM alert "
                "WHERE kind = ? AND created_at >= ? AND created_at < ?",
                (STOCK_OUT, *bounds),
            )
        }
        history = [
            DayUsage(
                day=d,
                used=max(used.get(d, 0), 0),
                new_prr=arrivals.get(d, 0),
                stocked_out=d in out_days,
            )
            for d in (first + timedelta(days=i) for i in range(window))
        ]
        spoiled = min(spoiled, sum(h.used for h in history))
        first_use = self.ts(
            self.one(f"SELECT min(at) FROM movement WHERE kind IN {_in(USED_KINDS)}")[0]
        )
        first_prr_rows = self.rows(
            "SELECT created_at FROM record WHERE reason IS NULL ORDER BY id LIMIT 1"
        )
        first_prr = self.ts(first_prr_rows[0][0]) if first_prr_rows else None
        return usage_stats(
            history,
            spoiled=spoiled,
            today=today,
            usage_since=_local_date(first_use, tz),
            prr_since=_local_date(first_prr, tz),
        )

    def stock_by_lot(self) -> list[dict[str, Any]]:
        rows = self.rows(
            "SELECT b.site_code, b.lot_code, l.received_on, l.quantity, l.reference, "
            "b.on_hand, b.awaiting_destruction FROM balance b JOIN lot l ON l.code = b.lot_code "
            "ORDER BY b.site_code, b.lot_received_on, b.lot_code"
        )
        out = []
        for site, lot, received_on, quantity, reference, on_hand, awaiting in rows:
            day = self.day(received_on)
            assert day is not None
            out.append(
                {
                    "site": site,
                    "lot": lot,
                    "received_on": day.isoformat(),
                    "received": quantity,
                    "reference": reference,
                    "on_hand": on_hand,
                    "awaiting_destruction": awaiting,
                }
            )
        return out

    # --- printers (cli.printing.printers_summary) -------------------------------------------

    def printers(self, today: date) -> list[dict[str, Any]]:
        out = []
        for row in self.rows(
            "SELECT name, driver, uri, site_code, state, state_reason, printed_today, "
            "spoiled_today, daily_limit, rest_after, rest_minutes, rest_until, ribbon_percent, "
            "ribbon_left, counter_day FROM printer ORDER BY name"
        ):
            (name, driver, uri, site, state, reason, printed, spoiled, limit) = row[:9]
            rest_after, rest_minutes, rest_until, ribbon_percent, ribbon_left, day = row[9:]
            until = self.ts(rest_until)
            today_counts = self.day(day) == today
            out.append(
                {
                    "name": name,
                    "driver": driver,
                    "uri": uri,
                    "site": site,
                    "state": state,
                    "reason": reason,
                    "printed_today": printed if today_counts else 0,
                    "spoiled_today": spoiled if today_counts else 0,
                    "daily_limit": limit,
                    "rest_after": rest_after,
                    "rest_minutes": rest_minutes,
                    "rest_until": until.isoformat() if until else None,
                    "ribbon_percent": ribbon_percent,
                    "ribbon_left": ribbon_left,
                }
            )
        return out

    # --- distribution (distribution.queries) ------------------------------------------------

    def distribution_status(self, served: Served, today: date) -> list[dict[str, Any]]:
        tz = served.timezone
        counts: list[tuple[Any, ...]] = self.rows(
            "SELECT r.kode_kecamatan, c.state, count(*), min(c.received_at) "
            "FROM card c JOIN record r ON r.id = c.record_id "
            f"WHERE c.state IN {_in(LIVE_CARD_STATES)} GROUP BY r.kode_kecamatan, c.state"
        )
        counts += [
            (kec, CARD_COLLECTED, n, None)
            for kec, n in self.rows(
                "SELECT kode_kecamatan, count(*) FROM collection GROUP BY kode_kecamatan"
            )
        ]
        cases = dict(
            self.rows(
                "SELECT s.kode_kecamatan, count(*) FROM shipment s "
                "JOIN discrepancy d ON d.shipment_id = s.id WHERE d.state = ? "
                "GROUP BY s.kode_kecamatan",
                (CASE_OPEN,),
            )
        )
        names = served.kecamatan
        rows: dict[str, dict[str, Any]] = {}
        for kec, state, n, oldest in counts:
            row = rows.setdefault(kec, _empty(kec, names))
            key = {CARD_DISPATCHED: "in_transit"}.get(state, state)
            row[key] = row.get(key, 0) + n
            at = self.ts(oldest)
            if state == CARD_RECEIVED and at is not None:
                day = at.astimezone(ZoneInfo(tz)).date()
                row["oldest_uncollected"] = day.isoformat()
                row["oldest_uncollected_days"] = (today - day).days
        for kec, outcome, n in self.rows(
            "SELECT s.kode_kecamatan, sc.outcome, count(*) FROM card c "
            "JOIN shipmentcard sc ON sc.card_id = c.id AND sc.shipment_id = c.shipment_id "
            "JOIN shipment s ON s.id = sc.shipment_id "
            "WHERE c.state = ? AND sc.outcome IN (?, ?) GROUP BY s.kode_kecamatan, sc.outcome",
            (CARD_DISPATCHED, OUTCOME_MISSING, OUTCOME_DAMAGED),
        ):
            row = rows.setdefault(kec, _empty(kec, names))
            row["in_transit"] -= int(n)
            row[outcome] += int(n)
            if outcome == OUTCOME_MISSING:
                row["lost"] += int(n)
        for kec, n in cases.items():
            rows.setdefault(kec, _empty(kec, names))["open_discrepancies"] = n
        return [rows[k] for k in sorted(rows)]

    def shipments(
        self, served: Served, *, limit: int, kecamatan: str | None, state: str | None
    ) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        if kecamatan:
            where.append("s.kode_kecamatan = ?")
            params.append(kecamatan)
        if state:
            where.append("s.state = ?")
            params.append(state)
        sql = (
            "SELECT s.number, s.kode_kecamatan, s.state, s.cards, s.courier, s.packed_at, "
            "s.dispatched_at, s.received_at, s.received_by, s.manifest_path, "
            "(SELECT count(*) FROM discrepancy d WHERE d.shipment_id = s.id AND d.state = ?) "
            "FROM shipment s"
        )
        params.insert(0, CASE_OPEN)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.id DESC LIMIT ?"
        params.append(limit)
        out = []
        names = served.kecamatan
        for number, kec, st, cards, courier, packed, dispatched, received, by, path, n in self.rows(
            sql, params
        ):
            packed_at, dispatched_at, received_at = (
                self.ts(packed),
                self.ts(dispatched),
                self.ts(received),
            )
            assert packed_at is not None
            out.append(
                {
                    "number": number,
                    "kode_kecamatan": kec,
                    "kecamatan": names.get(kec, kec),
                    "state": st,
                    "cards": cards,
                    "courier": courier,
                    "packed_at": packed_at.isoformat(),
                    "dispatched_at": dispatched_at.isoformat() if dispatched_at else None,
                    "received_at": received_at.isoformat() if received_at else None,
                    "received_by": by,
                    "open_discrepancies": n,
                    "manifest_path": path,
                }
            )
        return out


def _in(values: Sequence[str]) -> str:
    """``('a', 'b')``: a constant list of stored values (never user input)."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _local_date(at: datetime | None, tz: str) -> date:
    """``inventory.reorder._local_day``: ``date.max`` when there is no such moment."""
    if at is None:
        return date.max
    return at.astimezone(ZoneInfo(tz)).date()


def _empty(kec: str, names: dict[str, str]) -> dict[str, Any]:
    """``distribution.queries._empty``."""
    return {
        "kode_kecamatan": kec,
        "kecamatan": names.get(kec, kec),
        "packed": 0,
        "in_transit": 0,
        "received": 0,
        "collected": 0,
        "returned": 0,
        "lost": 0,
        "missing": 0,
        "damaged": 0,
        "open_discrepancies": 0,
        "oldest_uncollected": None,
        "oldest_uncollected_days": None,
    }


# --- opening the database ------------------------------------------------------------------

#: Tests set this False to run the full path (SQLAlchemy) of the same commands.
ENABLED = True


def _connect(values: dict[str, Any]) -> tuple[Any, str] | None:
    url = envsettings.sqlite_url(values)
    if url.startswith("sqlite:///") and "?" not in url:
        import sqlite3

        path = url[len("sqlite:///") :]
        if not path or path == ":memory:":
            return None
        if values["database_url"] is None:
            envsettings.private_dir(envsettings.resolved_home(values))
        busy = int(values["sqlite_busy_timeout_ms"])
        conn = sqlite3.connect(path, timeout=busy / 1000, isolation_level=None)
        # As ``cetak.db._sqlite_setup`` and ``_keep_private`` do on every connection.
        conn.execute(f"PRAGMA busy_timeout = {busy}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        from pathlib import Path

        db = Path(path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            envsettings.private_file(db.with_name(db.name + suffix))
        conn.execute("BEGIN")
        return conn, "sqlite"
    for prefix in ("postgresql+psycopg://", "postgresql://"):
        if url.startswith(prefix):
            import psycopg

            return psycopg.connect("postgresql://" + url[len(prefix) :]), "postgresql"
    return None


@contextmanager
def open_reader() -> Iterator[tuple[Reader, Served] | None]:
    """A read transaction and the installation, or None: take the full path."""
    values = envsettings.read() if ENABLED else None
    if values is None:
        yield None
        return
    try:
        opened = _connect(values)
    except Exception:  # noqa: BLE001 - the full path opens it again and says why it cannot
        opened = None
    if opened is None:
        yield None
        return
    conn, dialect = opened
    try:
        reader = Reader(conn, dialect, values)
        try:
            served = reader.served()
        except Exception:  # noqa: BLE001 - no schema yet: the full path says "cetak init"
            served = None
        yield (reader, served) if served is not None else None
    finally:
        try:
            conn.rollback()
        finally:
            conn.close()


T = TypeVar("T")


def answer(gather: Callable[[Reader, Served], T | None]) -> T | None:
    """What ``gather`` reads on the lean path, or None: the command then takes its full
    path (also when the database refuses a statement, e.g. a schema not yet migrated: the
    full path says it as it always did)."""
    import sys

    errors: tuple[type[BaseException], ...] = ()
    with open_reader() as fast:
        if fast is None:
            return None
        if "sqlite3" in sys.modules:
            errors += (sys.modules["sqlite3"].Error,)
        if "psycopg" in sys.modules:
            errors += (sys.modules["psycopg"].Error,)
        try:
            return gather(*fast)
        except errors:
            return None

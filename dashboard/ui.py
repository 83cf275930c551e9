"""Shared bits of the dashboard pages: the page context, cached reads, formatting, and
running an action with its outcome shown in Bahasa Indonesia."""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak import bahasa, labels
from cetak.access import ROLE_LABELS, Action, Actor, Role, allowed
from cetak.db import engine_from_settings
from cetak.installation import NotInitialised, ServedRegency, load_installation
from cetak.privacy import may_see_full_nik, nik_for_role
from cetak.settings import Settings, get_settings
from dashboard import data

#: Figures refresh by themselves this often (seconds), without a reload.
REFRESH_SECONDS = 60
#: Read queries are kept this long (seconds); an action clears them at once.
CACHE_SECONDS = 30

# Labels come from the one table (cetak.labels); the pages use these names.
PRINTER_STATES = labels.PRINTER_STATE
REQUEST_STATES = labels.REQUEST_STATE
SHIPMENT_STATES = labels.SHIPMENT_STATE

ALERT_LEVEL = labels.ALERT_LEVEL
QUARANTINE_REASON = labels.QUARANTINE_REASON
AUDIT_ACTION = labels.AUDIT_ACTION
AUDIT_DETAIL_KEY = labels.AUDIT_DETAIL_KEY
AUDIT_DETAIL_VALUE = labels.AUDIT_DETAIL_VALUE
actor_label = labels.actor_label


def role_label(code: str | None) -> str:
    """A role as staff read it (``Kepala seksi``), never its code."""
    try:
        return ROLE_LABELS[Role(code)]
    except ValueError:
        return labels.label({}, code)


def coded(value: Any) -> str:
    """A stored code (a state, a cause, a reason, a role) as staff read it (the one table,
    ``cetak.labels.coded``); numbers the Indonesian way; other values as they are."""
    if isinstance(value, list | tuple):
        return ", ".join(coded(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return num(value)
    return labels.coded(value)


@dataclass(frozen=True)
class Context:
    settings: Settings
    engine: Engine
    served: ServedRegency
    actor: Actor

    @property
    def today(self) -> date:
        return self.served.today()

    @property
    def tz(self) -> str:
        return self.served.timezone

    def may(self, action: Action) -> bool:
        return allowed(self.actor.role, action)

    @property
    def sees_full_nik(self) -> bool:
        """Whether this user's role may see whole NIKs (the one policy, ``cetak``'s)."""
        return may_see_full_nik(self.actor.role)

    def nik(self, nik: str | None) -> str:
        """A NIK as this user's role may see it: on every page, table and download."""
        return nik_for_role(nik or "", self.actor.role)


@st.cache_resource(ttl=600, show_spinner=False)
def _served(url: str, _engine: Engine) -> ServedRegency:
    return load_installation(_engine)


def settings_and_engine() -> tuple[Settings, Engine]:
    settings = get_settings()
    return settings, engine_from_settings(settings)


def served(settings: Settings, engine: Engine) -> ServedRegency:
    try:
        return _served(settings.url, engine)
    except NotInitialised:
        st.error(
            "Basis data belum disiapkan. Jalankan dulu: cetak init --regency KODE "
            "(contoh: cetak init --regency 33.10)"
        )
        st.stop()


def context() -> Context:
    """The page's context; a page reached without a login shows nothing (defence in depth:
    the app's navigation already offers only the login form to a visitor)."""
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):
        st.stop()
    settings, engine = settings_and_engine()
    return Context(settings, engine, served(settings, engine), actor)


# --- cached reads ----------------------------------------------------------------------------


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False, max_entries=500)
def _query(url: str, name: str, key: tuple[tuple[str, Any], ...], _ctx: Context) -> Any:
    fn = getattr(data, name)
    kwargs = dict(key)
    params = inspect.signature(fn).parameters
    if "settings" in params:
        kwargs["settings"] = _ctx.settings
    if "served" in params:
        kwargs["served"] = _ctx.served
    with Session(_ctx.engine) as session:
        return fn(session, **kwargs)


def query(ctx: Context, name: str, **kwargs: Any) -> Any:
    """``dashboard.data.<name>(session, **kwargs)``, kept ``CACHE_SECONDS`` per inputs."""
    return _query(ctx.settings.url, name, tuple(sorted(kwargs.items())), ctx)


def read(ctx: Context, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """An uncached read (downloads built on demand)."""
    with Session(ctx.engine) as session:
        return fn(session, **kwargs)


def export_quarantine(ctx: Context, filters: dict[str, str | None]) -> bytes:
    """The quarantine CSV for central, built when the download is pressed: role-checked
    and audited by ``application.actions.perform``, NIKs as this user may see them."""
    from application import actions

    return actions.perform(
        ctx.engine,
        ctx.actor,
        Action.EXPORT_QUARANTINE,
        "quarantine_export",
        lambda s: data.quarantine_csv(s, show_nik=ctx.nik, **filters),
        detail={k: v for k, v in filters.items() if v},
    )


# --- formatting ------------------------------------------------------------------------------


def num(n: float | int | None, digits: int = 0) -> str:
    """Indonesian number: ``1.234`` / ``6,7`` (``cetak.bahasa``)."""
    if n is None:
        return "-"
    if digits == 0:
        return bahasa.angka(int(round(n)))
    return bahasa.desimal(float(n), digits)


def pct(x: float | None) -> str:
    return "-" if x is None else bahasa.persen(x)


def when(ctx: Context, at: datetime | None) -> str:
    """A stored instant in a table: ``02-12-2026 14.05``, in the regency's zone."""
    return bahasa.tanggal_waktu(at, ctx.tz)


def clock(ctx: Context, at: datetime | None = None) -> str:
    """The regency's time of day: ``14.05``."""
    return bahasa.waktu(at if at is not None else ctx.served.now(), ctx.tz)


def day(d: date | str | None) -> str:
    """A date in a table: ``02-12-2026``."""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return bahasa.tanggal_tabel(d)


_NIK_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_text(ctx: Context, text: str | None) -> str:
    """Free text (audit targets, details) with any NIK in it shown as this role may see it."""
    if not text:
        return ""
    return _NIK_RUN.sub(lambda m: ctx.nik(m.group(0)), text)


def kecamatan_name(ctx: Context, kode: str | None) -> str:
    if not kode:
        return "-"
    return ctx.served.kecamatan.get(kode, kode)


def kecamatan_choice(ctx: Context, label: str, *, key: str) -> str | None:
    """A kecamatan filter ("Semua" first); returns the code or None."""
    codes = [None, *ctx.served.kecamatan]
    return st.selectbox(
        label,
        codes,
        format_func=lambda c: "Semua kecamatan" if c is None else f"{c} {ctx.served.kecamatan[c]}",
        key=key,
    )


# --- page frame ------------------------------------------------------------------------------


def header(ctx: Context, title: str, caption: str | None = None) -> None:
    from dashboard import auth

    auth.sidebar(ctx.actor)
    style()
    st.title(title)
    if caption:
        st.caption(caption)
    show_flash()


def refreshed(ctx: Context) -> None:
    st.caption(
        f"Diperbarui pukul {clock(ctx)} ({ctx.served.timezone}); angka diperbarui sendiri "
        f"tiap {REFRESH_SECONDS} detik."
    )


def still_logged_in() -> None:
    """Inside an auto-refreshing fragment: an expired session ends and the app reloads
    (to the login form); nothing more is drawn for a session already ended."""
    from dashboard import auth

    if not isinstance(st.session_state.get("actor"), Actor):
        st.stop()
    if auth.expired():
        auth.end(auth.EXPIRED)
        st.rerun()


def show_flash() -> None:
    for level, message in st.session_state.pop("_flash", []):
        getattr(st, level)(message)


def _flash(level: str, message: str) -> None:
    st.session_state.setdefault("_flash", []).append((level, message))


def error_message(exc: Exception) -> str | None:
    """The staff message of an error the services raise on purpose, else None.

    Every such error is a ``CetakError``, said by the message catalogue (without the CLI's
    flag hints); a ``ValueError`` from outside Cetak (a value a form could not parse) is
    said as it is.
    """
    from cetak.errors import CetakError, staff_message

    if isinstance(exc, CetakError | ValueError):
        return staff_message(exc)
    return None


def run_action(call: Callable[[], Any], success: Callable[[Any], str] | str) -> bool:
    """Run an action (a ``application.actions`` call); show its outcome or its Indonesian error.

    On success the cached figures are dropped and the page is drawn again with the
    outcome on top; a refusal or a service error is shown where the form is. An
    unexpected failure is reported without a traceback (it is in the server log).
    """
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - every failure is shown, never a traceback
        message = error_message(exc)
        if message is None:
            import logging

            logging.getLogger("cetak.dashboard").exception("action failed")
            message = f"Tindakan gagal karena kesalahan sistem ({type(exc).__name__})."
        st.error(f"Gagal: {message}")
        return False
    text = success(result) if callable(success) else success
    st.cache_data.clear()
    _flash("success", text)
    st.rerun()
    return True  # pragma: no cover - st.rerun does not return


# --- downloads of personal data --------------------------------------------------------------

#: A prepared download stays offered this long (seconds) before it must be prepared again.
DOWNLOAD_KEEP_SECONDS = 600


def private_download(
    label: str,
    build: Callable[[], bytes | str],
    *,
    file_name: str,
    mime: str,
    key: str,
) -> None:
    """A download of personal data or an official document that never goes through a URL.

    ``st.download_button`` hands its file to the browser at ``/media/<id>``, which any
    client fetches without a session while the page is open. Here the file is built (role
    checked, audited) only when the button is pressed, then travels inside the page over this
    session's websocket: a save link in a frame whose target is a ``data:`` URL, which no
    other client can ask the server for. Nothing goes into Streamlit's media storage.
    """
    import base64
    import html
    import time

    slot = f"_unduh_{key}"
    if st.button(label, key=key, icon=":material/download:"):
        try:
            content = build()
        except Exception as exc:  # noqa: BLE001 - shown in Bahasa, never a traceback
            message = error_message(exc)
            if message is None:
                import logging

                logging.getLogger("cetak.dashboard").exception("download failed")
                message = f"kesalahan sistem ({type(exc).__name__})"
            st.error(f"Berkas tidak dapat disiapkan: {message}")
            return
        raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        st.session_state[slot] = (raw, file_name, mime, time.monotonic())
    ready = st.session_state.get(slot)
    if ready is None:
        return
    raw, name, kind, made = ready
    if time.monotonic() - made > DOWNLOAD_KEEP_SECONDS or name != file_name:
        del st.session_state[slot]
        return
    href = f"data:{kind};base64,{base64.b64encode(raw).decode('ascii')}"
    size = f"{len(raw) / 1024:,.0f} KB".replace(",", ".") if len(raw) >= 1024 else f"{len(raw)} B"
    st.iframe(
        f"""<!doctype html><html lang="id"><head><meta charset="utf-8"><style>
body {{ margin: 0; font-family: "Source Sans Pro", sans-serif; }}
a {{ display: inline-block; padding: .35rem .75rem; border-radius: .5rem;
    border: 1px solid rgba(49, 51, 63, .2); color: rgb(49, 51, 63); background: #fff;
    text-decoration: none; font-size: 1rem; }}
a:hover {{ border-color: #ff4b4b; color: #ff4b4b; }}
</style></head><body>
<a id="simpan" href="{href}" download="{html.escape(name, quote=True)}">Simpan {
            html.escape(name)
        } ({size})</a>
</body></html>""",
        height=48,
        alt=f"Simpan berkas {name}",
    )


# --- tables and their Excel downloads --------------------------------------------------------

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown(value: Any) -> Any:
    """A cell as the page shows it: counts and decimals the Indonesian way (``1.391``,
    ``6,7``), nothing else changed."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return num(value)
    if isinstance(value, float):
        return num(value, 1)
    return value


def xlsx(rows: list[dict[str, Any]], *, sheet: str) -> bytes:
    """``rows`` (headers in Bahasa, already masked for the user) as an Excel workbook.

    Numbers stay numbers. Text is always stored as text: a value from central such as
    ``=HYPERLINK(...)`` is never a formula in the workbook.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Tabel"
    headers = list(rows[0]) if rows else []
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for r, row in enumerate(rows, start=2):
        for c, key in enumerate(headers, start=1):
            value = row.get(key)
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            widths[c - 1] = max(widths[c - 1], len(str(value if value is not None else "")))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def table(
    ctx: Context,
    rows: list[dict[str, Any]],
    *,
    key: str,
    name: str,
    column_config: dict[str, Any] | None = None,
    excel: bool = True,
    signed: tuple[str, ...] = (),
    excel_only: tuple[str, ...] = (),
    wrap: int | None = None,
) -> None:
    """A table of the page with its ``.xlsx`` download: the same rows, the same masking,
    the same Bahasa headers. Numbers are shown with Indonesian separators; ``signed``
    columns with their sign (``+1``, ``-1``); ``excel_only`` columns go to the workbook
    but not on the screen, so the columns shown fit the page. With ``wrap`` (rows per
    page) long texts wrap inside their cells instead of being cut off."""

    def cell(key: str, value: Any) -> Any:
        if key in signed and isinstance(value, int) and value > 0:
            return "+" + num(value)
        return shown(value)

    order = [k for k in rows[0] if k not in excel_only] if rows and excel_only else None
    if wrap is not None:
        _wrapped(rows, cell, order, per_page=wrap, key=key)
    else:
        st.dataframe(
            [{k: cell(k, v) for k, v in row.items()} for row in rows],
            hide_index=True,
            column_config=column_config,
            column_order=order,
        )
    if excel and rows:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        private_download(
            "Unduh Excel (.xlsx)",
            lambda: _exported(ctx, name, rows),
            file_name=f"{slug}-{ctx.today:%Y%m%d}.xlsx",
            mime=XLSX_MIME,
            key=f"xlsx_{key}",
        )


def _exported(ctx: Context, name: str, rows: list[dict[str, Any]]) -> bytes:
    """The workbook of a table, with an audit row: who took which table, how many rows."""
    from cetak.db import write_session
    from cetak.users import note

    content = xlsx(rows, sheet=name)
    with write_session(ctx.engine) as session:
        note(session, ctx.actor, "table_export", target=name, detail={"rows": len(rows)})
    return content


def _wrapped(
    rows: list[dict[str, Any]],
    cell: Callable[[str, Any], Any],
    order: list[str] | None,
    *,
    per_page: int,
    key: str,
) -> None:
    """A static table whose cells wrap, ``per_page`` rows at a time."""
    import pandas as pd

    if not rows:
        st.dataframe([], hide_index=True)
        return
    columns = order or list(rows[0])
    pages = max(1, -(-len(rows) // per_page))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Halaman (dari {pages}, {per_page} baris per halaman)",
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                key=f"page_{key}",
            )
        )
    shown_rows = rows[(page - 1) * per_page : page * per_page]
    frame = pd.DataFrame([{k: cell(k, r.get(k)) for k in columns} for r in shown_rows])
    st.table(frame.set_index(columns[0]))


#: Long headline values and notices wrap instead of being cut off with "…".
_CSS = """<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; overflow-wrap: anywhere;
}
</style>"""


def style() -> None:
    st.markdown(_CSS, unsafe_allow_html=True)

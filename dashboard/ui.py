"""Shared bits of the dashboard pages: the page context, cached reads, formatting, and
running an action with its outcome shown in Bahasa Indonesia."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak import labels
from cetak.access import Action, Actor, allowed, display_nik
from cetak.db import engine_from_settings
from cetak.installation import NotInitialised, ServedRegency, load_installation
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

    def nik(self, nik: str | None) -> str:
        return display_nik(nik or "", self.actor.role)


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
    """Indonesian number: ``1.234`` / ``6,7``."""
    if n is None:
        return "-"
    text = f"{n:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def pct(x: float | None) -> str:
    return "-" if x is None else f"{num(100 * x, 1)}%"


def when(ctx: Context, at: datetime | None) -> str:
    return "-" if at is None else ctx.served.now(at).strftime("%d-%m-%Y %H:%M")


def day(d: date | None) -> str:
    return "-" if d is None else d.strftime("%d-%m-%Y")


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
    st.title(title)
    if caption:
        st.caption(caption)
    show_flash()


def refreshed(ctx: Context) -> None:
    st.caption(
        f"Diperbarui {ctx.served.now().strftime('%H:%M:%S')} "
        f"({ctx.served.timezone}); angka diperbarui sendiri tiap {REFRESH_SECONDS} detik."
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

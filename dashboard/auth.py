"""Login and sessions on top of ``cetak.users``.

A visitor without a session gets the login form and nothing else. A session lives in
Streamlit's per-browser ``st.session_state``: the actor, when it started and when it was
last used. It ends after ``SESSION_IDLE_MINUTES`` idle or ``SESSION_MAX_HOURS`` in all
(``cetak.users.session_expired``), when the user presses "Keluar", or when the account
is disabled. Failed logins are counted, slowed down and audited by ``authenticate``, by
the browser's address and by name (``client_address``).
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.access import ROLE_LABELS, Actor
from cetak.models import utcnow
from cetak.users import LoginError, authenticate, current_actor, session_expired

_KEYS = ("actor", "started_at", "last_seen")
NOTICE = "_login_notice"
EXPIRED = "Sesi Anda berakhir karena terlalu lama tidak digunakan. Silakan masuk lagi."


def start(actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    st.session_state["actor"] = actor
    st.session_state["started_at"] = now
    st.session_state["last_seen"] = now


def end(notice: str | None = None) -> None:
    for key in _KEYS:
        st.session_state.pop(key, None)
    st.session_state.pop("_flash", None)
    if notice:
        st.session_state[NOTICE] = notice


def expired(now: datetime | None = None) -> bool:
    """True when there is no live session (never logged in, or timed out)."""
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):
        return True
    now = now or utcnow()
    return session_expired(st.session_state["started_at"], st.session_state["last_seen"], now)


def current(engine: Engine) -> Actor | None:
    """The logged-in actor, or None; ends a session that expired or whose account went."""
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):
        return None
    if expired():
        end(EXPIRED)
        return None
    with Session(engine) as session:
        fresh = current_actor(session, actor)
    if fresh is None:
        end("Akun Anda tidak aktif lagi. Hubungi Kepala seksi.")
        return None
    st.session_state["actor"] = fresh  # a changed role applies at once
    st.session_state["last_seen"] = utcnow()
    return fresh


def client_address() -> str:
    """Where the browser connects from: its IP address, ``localhost`` on the server itself
    (Streamlit gives no address for a local connection)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no session context (tests): the server itself
        address = None
    return address if isinstance(address, str) and address else "localhost"


def login_form(engine: Engine, kabupaten: str | None = None) -> None:
    """The only thing a visitor sees."""
    st.title("Cetak — Dasbor Ruang Cetak KTP-el")
    if kabupaten:
        st.caption(f"Disdukcapil {kabupaten}")
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(notice)
    with st.form("login"):
        name = st.text_input("Nama pengguna", key="login_name")
        password = st.text_input("Kata sandi", type="password", key="login_password")
        submitted = st.form_submit_button("Masuk", type="primary")
    if not submitted:
        return
    if not name.strip() or not password:
        st.error("Isi nama pengguna dan kata sandi.")
        return
    try:
        actor = authenticate(engine, name, password, client=client_address())
    except LoginError as exc:
        st.error(exc.message)
        return
    start(actor)
    st.rerun()


def sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.markdown(f"**{actor.name}**  \n{ROLE_LABELS[actor.role]}")
        if st.button("Keluar", key="logout"):
            end("Anda sudah keluar.")
            st.rerun()

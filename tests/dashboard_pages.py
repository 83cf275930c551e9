"""The dashboard under ``streamlit.testing.v1.AppTest``: the app logged in as a seeded
user (see dashboard_seed) and small readers of what a page shows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from cetak.access import Actor, Role
from cetak.models import utcnow
from cetak.users import AuditEntry

from dashboard_seed import USERS

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
ROLE_USER = {Role(role): name for name, role in USERS.items()}


def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=30)


def logged_in(role: Role, page: str | None = None) -> AppTest:
    """The app with a live session for the seeded user of ``role`` (on ``page``)."""
    at = app()
    now = utcnow()
    at.session_state["actor"] = Actor(ROLE_USER[role], role)
    at.session_state["started_at"] = now
    at.session_state["last_seen"] = now
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    """Every piece of text the page shows: headings, text, notices, tables and metrics."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("info", "success", "warning", "error"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label}={m.value}" for m in at.metric]
    for df in at.dataframe:
        out.append(df.value.to_csv(index=False))
    for table in at.table:  # tables whose long texts wrap
        out.append(table.value.to_csv())
    return out


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def audits(engine: sa.Engine, action: str) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == action)))


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r}"
    return values[0]

"""Alerts: raised once inside a transaction, delivered by a notifier after commit.

``raise_alert`` inserts a row keyed by a unique ``key`` (a re-run raises
nothing new). ``deliver_pending`` runs after the commit and hands each
undelivered alert to the notifier, then marks it delivered: a crash in between
delivers it on the next run. The file notifier writes one file per key, so a
second delivery of the same alert rewrites the same file; the webhook notifier
sends the key as an ``Idempotency-Key`` header for the receiver to drop repeats.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from cetak import storage
from cetak.db import write_session
from cetak.models import Alert, utcnow

log = logging.getLogger("cetak.alerts")
_ALERT = Alert.__table__  # type: ignore[attr-defined]

LEVELS = ("INFO", "WARNING", "CRITICAL")


def raise_alert(
    session: Session,
    *,
    key: str,
    kind: str,
    level: str,
    message: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> bool:
    """Record an alert once per ``key``; True when this call created it."""
    assert level in LEVELS
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(_ALERT)
        .values(
            key=key,
            kind=kind,
            level=level,
            message=message,
            data_json=json.dumps(data or {}, ensure_ascii=False, default=str),
            created_at=at or utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(_ALERT.c.id)  # rowcount is -1 on PostgreSQL here: count returned rows
    )
    return session.execute(stmt).first() is not None


class Notifier(Protocol):
    def send(self, alert: Alert) -> None: ...


def _payload(alert: Alert) -> dict[str, Any]:
    return {
        "key": alert.key,
        "kind": alert.kind,
        "level": alert.level,
        "message": alert.message,
        "data": json.loads(alert.data_json),
        "created_at": alert.created_at.isoformat(),
    }


class FileNotifier:
    """Default: one JSON file per alert in ``$CETAK_HOME/alerts/`` and a log line.

    ``deliver_pending`` also keeps the file in the document store (``alerts/<key>.json``)
    so a dashboard on another machine can serve it.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, alert: Alert) -> Path:
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in alert.key)[:150]
        return self.directory / f"{safe}.json"

    def content(self, alert: Alert) -> bytes:
        return json.dumps(_payload(alert), ensure_ascii=False, indent=2).encode("utf-8")

    def send(self, alert: Alert) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".alert-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(self.content(alert))
        os.replace(tmp, self.path_for(alert))
        from cetak.labels import ALERT_LEVEL, label

        # "Peringatan: ..." (the level in Bahasa); the kind stays, in brackets, for central.
        log.warning("%s [%s]: %s", label(ALERT_LEVEL, alert.level), alert.kind, alert.message)


class WebhookNotifier:
    """POST each alert as JSON to a URL (chat bridge, SMS gateway, e-mail relay)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, alert: Alert) -> None:
        import httpx

        response = httpx.post(
            self.url,
            json=_payload(alert),
            timeout=self.timeout,
            headers={"Idempotency-Key": alert.key},
        )
        response.raise_for_status()


def notifier_from_settings(alerts_dir: Path, webhook_url: str | None) -> Notifier:
    return WebhookNotifier(webhook_url) if webhook_url else FileNotifier(alerts_dir)


def deliver_pending(engine: Engine, notifier: Notifier) -> int:
    """Deliver every undelivered alert, oldest first; the number delivered."""
    with Session(engine) as session:
        pending = list(
            session.exec(  # type: ignore[call-overload]
                sa.select(Alert).where(col(Alert.delivered_at).is_(None)).order_by(col(Alert.id))
            ).scalars()
        )
    delivered = 0
    for alert in pending:
        notifier.send(alert)
        if isinstance(notifier, FileNotifier):  # kept before it counts as delivered
            storage.put(
                engine,
                f"alerts/{notifier.path_for(alert).name}",
                notifier.content(alert),
                kind="peringatan",
                media_type=storage.JSON,
            )
        with write_session(engine) as session:
            session.execute(
                sa.update(_ALERT).where(_ALERT.c.id == alert.id).values(delivered_at=utcnow())
            )
        delivered += 1
    return delivered

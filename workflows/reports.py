"""The daily report flow (16:00 WIB, each working day): write the daily production report
(laporan harian) for the head of office and keep it in the document store.

One task calling ``application.reports.write_daily_report``; what the report counts is
said there. Written again the same day, the report is replaced (same number, newer figures).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from application import reports
from cetak.db import engine_from_settings
from cetak.redact import redacted_errors
from cetak.settings import Settings
from workflows.common import preflight, run_name


@task(name="write-daily-report", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
@redacted_errors
def write_daily_report(settings: Settings, day: str | None = None) -> str:
    wanted = date.fromisoformat(day) if day else None
    return str(reports.write_daily_report(engine_from_settings(settings), settings, wanted))


@flow(name="daily_report", log_prints=False, flow_run_name=run_name("daily-report"))
def daily_report(day: str | None = None) -> dict[str, Any]:
    """The daily production report of ``day`` (``YYYY-MM-DD``; default today)."""
    settings, _, _ = preflight()
    path = write_daily_report(settings, day)
    get_run_logger().info("daily report written: %s", path)
    return {"path": path}

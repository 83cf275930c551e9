"""The daily distribution flow (14:00 WIB): pack QC-passed cards into one shipment per
kecamatan and dispatch them, write their manifests, print owed receipts again, and raise
an alert for cards that have waited too long at a kecamatan.

One task per step, each calling its use case (``application.actions``) as
``flow:distribution``; the rules are in ``distribution``. The packing is one transaction,
so a retried or crashed run never packs a card twice (a second run finds nothing left).
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from application import actions
from cetak.db import engine_from_settings
from cetak.redact import redacted_errors
from cetak.settings import Settings
from workflows.common import preflight, run_name

ACTOR = "flow:distribution"
_IO_RETRY = {"retries": 2, "retry_delay_seconds": [2, 10]}


@task(name="pack-and-dispatch", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def pack_and_dispatch(settings: Settings, kecamatan: str | None = None) -> list[dict[str, Any]]:
    """Only the shipments packed now leave (shipments packed with ``--pack-only`` wait for
    ``cetak dispatch``); their manifests are written after the commit."""
    done = actions.dispatch_shipments(
        engine_from_settings(settings), ACTOR, settings, kecamatan=kecamatan, send_packed=False
    )
    return [
        {"number": p.number, "kode_kecamatan": p.kode_kecamatan, "cards": p.cards}
        for p in done.packed
    ]


@task(name="write-manifests", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def write_manifests(settings: Settings, numbers: list[str] | None = None) -> list[str]:
    """The manifests of this run's shipments (``numbers``), and any other still owed."""
    return actions.shipment_manifests(engine_from_settings(settings), settings, numbers or [])


@task(name="print-receipts", cache_policy=NO_CACHE)
@redacted_errors
def print_receipts(settings: Settings) -> dict[str, int]:
    results = actions.print_pending_receipts(engine_from_settings(settings), settings)
    return {"printed": sum(r.ok for r in results), "failed": sum(not r.ok for r in results)}


@task(name="uncollected-alerts", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def uncollected_alerts(settings: Settings) -> int:
    """One alert per kecamatan per week while cards wait there beyond the return limit."""
    return actions.alert_uncollected(engine_from_settings(settings), settings)


@flow(name="distribution", log_prints=False, flow_run_name=run_name("distribution"))
def distribution(kecamatan: str | None = None) -> dict[str, Any]:
    """Send today's QC-passed cards to their kecamatan and follow up what waits there."""
    settings, _, _ = preflight()
    shipments = pack_and_dispatch(settings, kecamatan)
    manifests = write_manifests(settings, [s["number"] for s in shipments])
    receipts = print_receipts(settings)
    alerts = uncollected_alerts(settings)
    get_run_logger().info(
        "distribution: %d shipments, %d manifests, receipts %s, %d alerts",
        len(shipments),
        len(manifests),
        receipts,
        alerts,
    )
    return {"shipments": shipments, "manifests": manifests, "receipts": receipts, "alerts": alerts}

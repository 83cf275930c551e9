"""The daily distribution flow (14:00 WIB): pack QC-passed cards into one shipment per
kecamatan and dispatch them, write their manifests, print owed receipts again, and raise
an alert for cards that have waited too long at a kecamatan.

One task per step; the packing is one transaction, so a retried or crashed run never
packs a card twice (a second run finds nothing left to pack).
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from cetak.db import LOCK_DISTRIBUTION, engine_from_settings, write_session
from cetak.installation import load_installation
from cetak.notify import deliver_pending, notifier_from_settings, raise_alert
from cetak.redact import redacted_errors
from cetak.settings import Settings
from distribution import paper, queries, service
from distribution.errors import NothingToDispatch
from workflows.common import audit_step, preflight, run_name

_IO_RETRY = {"retries": 2, "retry_delay_seconds": [2, 10]}


@task(name="pack-and-dispatch", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def pack_and_dispatch(settings: Settings, kecamatan: str | None = None) -> list[dict[str, Any]]:
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    with write_session(engine, lock=LOCK_DISTRIBUTION) as session:
        try:
            packed = service.pack(
                session,
                served,
                actor="flow:distribution",
                kecamatan=kecamatan,
                courier=settings.courier,
            )
        except NothingToDispatch:
            return []
        service.dispatch(
            session,
            actor="flow:distribution",
            numbers=[p.number for p in packed],
            courier=settings.courier,
        )
        audit_step(
            session,
            "distribution",
            "dispatch",
            target=", ".join(p.number for p in packed),
            detail={"shipments": len(packed), "cards": sum(p.cards for p in packed)},
        )
    return [
        {"number": p.number, "kode_kecamatan": p.kode_kecamatan, "cards": p.cards} for p in packed
    ]


@task(name="write-manifests", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def write_manifests(settings: Settings) -> list[str]:
    engine = engine_from_settings(settings)
    return [str(p) for p in paper.write_manifests(engine, settings, load_installation(engine))]


@task(name="print-receipts", cache_policy=NO_CACHE)
@redacted_errors
def print_receipts(settings: Settings) -> dict[str, int]:
    engine = engine_from_settings(settings)
    results = paper.print_receipts(engine, settings, load_installation(engine))
    return {"printed": sum(r.ok for r in results), "failed": sum(not r.ok for r in results)}


@task(name="uncollected-alerts", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def uncollected_alerts(settings: Settings) -> int:
    """One alert per kecamatan per week while cards wait there beyond the return limit."""
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    today = served.today()
    week = today.isocalendar()
    raised = 0
    with write_session(engine) as session:
        late = queries.return_list(
            session, today=today, tz=served.timezone, days=settings.return_after_days
        )
        per_kecamatan: dict[str, list[dict[str, Any]]] = {}
        for card in late:
            per_kecamatan.setdefault(card["kode_kecamatan"], []).append(card)
        for kode, cards in sorted(per_kecamatan.items()):
            raised += raise_alert(
                session,
                key=f"uncollected:{kode}:{week.year}-W{week.week:02d}",
                kind="uncollected",
                level="WARNING",
                message=(
                    f"{len(cards)} KTP-el menunggu lebih dari {settings.return_after_days} hari "
                    f"di Kecamatan {cards[0]['kecamatan']}: jemput bola atau tarik kembali ke "
                    "Disdukcapil"
                ),
                data={"kode_kecamatan": kode, "cards": len(cards)},
            )
    deliver_pending(engine, notifier_from_settings(settings.alerts_dir, settings.alert_webhook_url))
    return raised


@flow(name="distribution", log_prints=False, flow_run_name=run_name("distribution"))
def distribution(kecamatan: str | None = None) -> dict[str, Any]:
    """Send today's QC-passed cards to their kecamatan and follow up what waits there."""
    settings, _, _ = preflight()
    shipments = pack_and_dispatch(settings, kecamatan)
    manifests = write_manifests(settings)
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

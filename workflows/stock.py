"""Scheduled stock flows: the daily reorder check and the nightly reconciliation.

Each runs its decision as one task (one transaction), then produces the
documents and delivers the alerts that the committed decision justifies.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from application import actions
from cetak.db import engine_from_settings
from cetak.installation import load_installation
from cetak.notify import deliver_pending, notifier_from_settings
from cetak.redact import redacted_errors
from cetak.settings import Settings
from inventory import paperwork
from workflows.common import preflight, run_name

_IO_RETRY = {"retries": 2, "retry_delay_seconds": [2, 10]}


@task(name="decide-reorder", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def decide_reorder(settings: Settings) -> dict[str, Any]:
    """The reorder check's decision (``application.actions.check_reorder``), one unit."""
    return actions.check_reorder(engine_from_settings(settings), "flow:reorder", settings)


@task(name="check-consumables", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def check_consumables(settings: Settings) -> list[str]:
    """Ribbons and film the regency buys: an alert when one runs below its reorder point."""
    from application import consumables

    return consumables.check(engine_from_settings(settings), "flow:reorder", settings)


@task(name="produce-documents", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def produce_documents(settings: Settings) -> list[str]:
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    return [str(p) for p in paperwork.produce_pending(engine, settings, served)]


@task(name="deliver-alerts", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def deliver_alerts(settings: Settings) -> int:
    engine = engine_from_settings(settings)
    notifier = notifier_from_settings(settings.alerts_dir, settings.alert_webhook_url)
    return deliver_pending(engine, notifier)


@flow(name="reorder_check", flow_run_name=run_name("reorder-check"))
def reorder_check() -> dict[str, Any]:
    """Compute the stock position; request blanks from central when it is time."""
    settings, _, _ = preflight()
    outcome = decide_reorder(settings)
    outcome["consumables"] = check_consumables(settings)
    outcome["documents"] = produce_documents(settings)
    outcome["delivered"] = deliver_alerts(settings)
    pos = outcome["position"]
    get_run_logger().info(
        "stock: on hand %s, reorder point %s, due=%s, escalate=%s, request=%s",
        outcome["facts"]["on_hand"],
        pos["reorder_point"],
        pos["reorder_due"],
        pos["escalate"],
        outcome["request"]["number"] if outcome["request"] else None,
    )
    return outcome


@task(name="check-ledger", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def check_ledger(settings: Settings) -> list[dict[str, Any]]:
    problems = actions.reconcile_ledger(engine_from_settings(settings), "flow:reconcile")
    return [asdict(p) for p in problems]


@flow(name="reconcile", flow_run_name=run_name("reconcile"))
def reconcile() -> dict[str, Any]:
    """Every site and lot: the ledger balances and the cache agrees; alert on any lot off."""
    settings, _, _ = preflight()
    problems = check_ledger(settings)
    delivered = deliver_alerts(settings)
    if problems:
        get_run_logger().error("reconciliation found %d problem(s)", len(problems))
    return {"problems": problems, "delivered": delivered}

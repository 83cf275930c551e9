"""The nightly backup: a consistent copy of the installation, then old copies pruned.

Deployment entrypoint: ``workflows.maintenance:backup``. The work is in
``application.backup``; this flow checks the installation first (``preflight``: a machine
that was never initialised, or whose database is out of reach, ends ``Failed`` with a
message in Bahasa Indonesia), takes the backup as one task (retried once) and prunes as
another.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from application import backup as backups
from cetak.settings import Settings
from workflows.common import preflight, run_name


@task(name="take-backup", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=30)
def take_backup(settings: Settings) -> dict[str, Any]:
    result = backups.create_backup(settings)
    summary = result.as_dict()
    summary["kode_wilayah"] = result.kode_wilayah
    summary["files"] = result.files
    return summary


@task(name="prune-backups", cache_policy=NO_CACHE)
def prune_backups(settings: Settings, keep: int) -> list[str]:
    return [str(p) for p in backups.prune_backups(settings.backups_dir, keep)]


@flow(name="backup", flow_run_name=run_name("backup"))
def backup(keep: int | None = None) -> dict[str, Any]:
    """Back up the database and documents; keep the newest ``keep`` (CETAK_BACKUP_KEEP)."""
    settings, _engine, _served = preflight()
    keep = keep or settings.backup_keep
    if keep < 1:
        raise ValueError(f"jumlah cadangan yang disimpan harus paling sedikit 1, bukan {keep}")
    summary = take_backup(settings)
    summary["removed"] = prune_backups(settings, keep)
    summary["kept"] = len(backups.list_backups(settings.backups_dir))
    get_run_logger().info(
        "backup %s (%s bytes, %s records), %d old backup(s) removed",
        summary["path"],
        summary["size_bytes"],
        summary["counts"]["records"],
        len(summary["removed"]),
    )
    return summary

"""The shape of Cetak's deployments and workers (pure functions), and the flow preflight."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from application.orchestration import (
    PREFECT_FILE,
    deployment_file,
    deployment_names,
    inbox_here,
    worker_command,
    worker_queues,
)
from cetak.settings import Settings

BASE = yaml.safe_load(PREFECT_FILE.read_text())


def test_prefect_yaml_names_every_flow_by_module_with_schedules_in_jakarta() -> None:
    assert BASE["pull"] == []
    names = deployment_names(BASE)
    assert set(names) == {
        "ingest/ingest-inbox",
        "print_run/print-run",
        "reorder_check/reorder-check-daily",
        "reconcile/reconcile-nightly",
        "distribution/distribution-daily",
        "daily_report/daily-report",
        "backup/backup-nightly",
    }
    for dep in BASE["deployments"]:
        module, flow = dep["entrypoint"].split(":")
        assert not module.endswith(".py")
        assert dep["concurrency_limit"] == 1
        assert dep["schedules"] and all(s["timezone"] == "Asia/Jakarta" for s in dep["schedules"])
        mod = __import__(module, fromlist=[flow])
        assert getattr(mod, flow).name == dep["entrypoint"].rsplit(":", 1)[1]


def test_print_run_schedule_covers_working_hours_only() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from prefect.server.schemas.schedules import CronSchedule

    dep = next(d for d in BASE["deployments"] if d["name"] == "print-run")
    zone = ZoneInfo("Asia/Jakarta")
    start = datetime(2026, 12, 7, 0, 0, tzinfo=zone)  # a Monday
    end = datetime(2026, 12, 13, 23, 59, tzinfo=zone)
    times = set()
    for sched in dep["schedules"]:
        cron = CronSchedule(cron=sched["cron"], timezone=sched["timezone"])
        times |= {
            t.astimezone(zone) for t in cron._get_dates_generator(n=1000, start=start, end=end)
        }
    days = {t.date() for t in times}
    assert len(days) == 5 and all(d.weekday() < 5 for d in days)
    per_day = sorted(t.time() for t in times if t.date() == start.date())
    assert per_day[0].strftime("%H:%M") == "07:30" and per_day[-1].strftime("%H:%M") == "15:30"
    assert len(per_day) == 49  # every 10 minutes from 07:30 to 15:30


def test_one_site_keeps_the_single_print_run() -> None:
    doc = deployment_file(BASE, sites=["DISDUKCAPIL"], pool="print-room")
    assert deployment_names(doc) == deployment_names(BASE)


def test_several_sites_get_a_print_run_each_on_their_own_queue() -> None:
    doc = deployment_file(BASE, sites=["DISDUKCAPIL", "KEC-WEDI"], pool="ruang-cetak")
    by_name = {d["name"]: d for d in doc["deployments"]}
    assert by_name["print-run"]["schedules"] == []  # manual only: no run drives every site
    for site in ("DISDUKCAPIL", "KEC-WEDI"):
        dep = by_name[f"print-run-{site}"]
        assert dep["parameters"] == {"site": site}
        assert dep["work_pool"] == {"name": "ruang-cetak", "work_queue_name": f"site-{site}"}
        assert dep["schedules"] == by_name["print-run"].get("schedules") or dep["schedules"]
        assert dep["concurrency_limit"] == 1
    assert all(d["work_pool"]["name"] == "ruang-cetak" for d in doc["deployments"])
    assert BASE["deployments"][1]["schedules"], "the base file is left as it was"


def test_worker_queues() -> None:
    assert worker_queues(site=None, inbox=False) == []  # one office PC: every queue
    assert worker_queues(site="KEC-WEDI", inbox=False) == ["site-KEC-WEDI"]
    assert worker_queues(site="DISDUKCAPIL", inbox=True) == ["inbox", "default", "site-DISDUKCAPIL"]
    cmd = worker_command(Settings(), site="KEC-WEDI", inbox=False, name="wedi")
    assert cmd[1:] == [
        "worker", "start", "--pool", "print-room", "--type", "process",
        "--work-queue", "site-KEC-WEDI", "--name", "wedi",
    ]  # fmt: skip


def test_inbox_host(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not inbox_here(Settings())
    assert inbox_here(Settings(inbox_host=socket.gethostname()))
    assert not inbox_here(Settings(inbox_host="pc-lain"))


def test_settings_come_from_the_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cetak.settings import get_settings

    env_file = tmp_path / "cetak.env"
    env_file.write_text(
        "# Cetak\nCETAK_HOME=/srv/cetak\nCETAK_PRINT_LEASE_S=45\nCETAK_SITE=KEC-WEDI\n"
    )
    monkeypatch.setenv("CETAK_ENV_FILE", str(env_file))
    monkeypatch.delenv("CETAK_HOME", raising=False)
    monkeypatch.delenv("CETAK_SITE", raising=False)
    settings = get_settings()
    assert (str(settings.home), settings.print_lease_s, settings.site) == (
        "/srv/cetak",
        45.0,
        "KEC-WEDI",
    )
    monkeypatch.setenv("CETAK_SITE", "DISDUKCAPIL")  # the process environment wins
    assert get_settings().site == "DISDUKCAPIL"


def test_ingest_of_the_inbox_refuses_on_another_machine(
    home: Settings, served: object, monkeypatch: pytest.MonkeyPatch, prefect_api: str
) -> None:
    from workflows.ingest import ingest

    monkeypatch.setenv("CETAK_INBOX_HOST", "pc-inbox-lain")
    state = ingest(return_state=True)
    assert state.is_failed()
    assert "pc-inbox-lain" in str(state.message) + repr(state.result(raise_on_failure=False))

"""Cetak on a Prefect server: work pool, queues, the crashed-run automation, deployments.

``deploy`` is what ``cetak deploy`` (and ``cetak serve``) run against ``PREFECT_API_URL``:

1. the work pool (``CETAK_WORK_POOL``, type ``process``) and its queues: ``default`` (the
   office-wide flows), ``inbox`` (read by exactly one machine) and ``site-<KODE>`` for each
   site with printers;
2. an automation that marks a flow run ``Crashed`` when its heartbeats stop for
   ``CETAK_CRASH_AFTER_S`` (a worker killed, a machine switched off); the print jobs such a
   run held are taken over by the next run once their lease (``CETAK_PRINT_LEASE_S``) ends;
3. the deployments of the project's ``prefect.yaml``, plus one ``print-run-<KODE>``
   deployment per site when printers stand at more than one site (then the office-wide
   ``print-run`` keeps no schedule, so no run drives another site's printers), registered
   with ``prefect deploy --all``.

The shape of the deployments is a pure function (``deployment_file``), tested directly.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from cetak.errors import CetakError
from cetak.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFECT_FILE = PROJECT_ROOT / "prefect.yaml"
AUTOMATION_NAME = "cetak: tandai run tanpa detak sebagai Crashed"
PRINT_RUN = "print-run"


class DeployError(CetakError, RuntimeError):
    """Deploying failed; the subclasses say why (``cetak.messages`` says it in Bahasa)."""

    code = "deploy.failed"


class PrintRunMissing(DeployError):
    """prefect.yaml has no generic print run to copy for each site."""

    code = "deploy.print_run_missing"

    def __init__(self, deployment: str) -> None:
        super().__init__(deployment=deployment)


class ApiUrlMissing(DeployError):
    """No Prefect server to register with (``PREFECT_API_URL`` is not set)."""

    code = "deploy.api_url_missing"

    def __init__(self) -> None:
        super().__init__()


class DeploymentFileMissing(DeployError):
    code = "deploy.file_missing"

    def __init__(self, path: Path) -> None:
        super().__init__(path=path)


class ServerRefused(DeployError):
    """The Prefect server refused or could not be reached; ``kind`` is the error's class."""

    code = "deploy.server_refused"

    def __init__(self, api_url: str, kind: str, reason: str) -> None:
        super().__init__(api_url=api_url, kind=kind, reason=reason)


class PrefectDeployFailed(DeployError):
    """``prefect deploy --all`` exited non-zero; ``output`` is the end of what it said."""

    code = "deploy.prefect_deploy_failed"

    def __init__(self, returncode: int, output: str) -> None:
        super().__init__(returncode=returncode, output=output)


def site_queue(site: str) -> str:
    return f"site-{site}"


def worker_queues(*, site: str | None, inbox: bool) -> list[str]:
    """The queues a machine's worker serves; empty means every queue of the pool.

    ``--site`` binds a worker to one site's print runs; ``--inbox`` makes it the machine
    that reads the inbox and runs the office-wide flows (reorder, reconcile, distribution,
    backup) too.
    """
    queues: list[str] = []
    if inbox:
        queues += ["inbox", "default"]
    if site:
        queues.append(site_queue(site))
    return queues


def inbox_here(settings: Settings) -> bool:
    """This machine is the one ``CETAK_INBOX_HOST`` names (unset: no machine is named)."""
    import socket

    return bool(settings.inbox_host) and settings.inbox_host == socket.gethostname()


def deployment_file(base: dict[str, Any], *, sites: list[str], pool: str) -> dict[str, Any]:
    """The prefect.yaml to deploy: ``base`` with the pool named ``pool`` and, for more than
    one site with printers, one print run per site on its own queue."""
    doc = copy.deepcopy(base)
    deployments = doc.get("deployments") or []
    for dep in deployments:
        dep.setdefault("work_pool", {})["name"] = pool
    if len(sites) > 1:
        generic = next((d for d in deployments if d.get("name") == PRINT_RUN), None)
        if generic is None:
            raise PrintRunMissing(PRINT_RUN)
        for site in sites:
            dep = copy.deepcopy(generic)
            dep["name"] = f"{PRINT_RUN}-{site}"
            dep["description"] = f"Cetak antrean PRR pada printer lokasi {site}."
            dep["parameters"] = {**(generic.get("parameters") or {}), "site": site}
            dep["work_pool"] = {"name": pool, "work_queue_name": site_queue(site)}
            dep["tags"] = [*generic.get("tags", []), f"site:{site}"]
            deployments.append(dep)
        generic["schedules"] = []  # kept for a manual run over every site
        generic["description"] = "Cetak antrean semua lokasi (manual; tiap lokasi punya jadwal)."
    return doc


def deployment_names(doc: dict[str, Any]) -> list[str]:
    """``flow/deployment`` names, as ``prefect deployment ls`` shows them."""
    names = []
    for dep in doc.get("deployments") or []:
        flow = dep["entrypoint"].rsplit(":", 1)[1]
        names.append(f"{flow}/{dep['name']}")
    return names


def printer_sites(settings: Settings) -> list[str]:
    """Sites that have printers in service, by code (empty when the database is not ready)."""
    import sqlalchemy as sa
    from sqlmodel import col

    from cetak.db import engine_from_settings
    from printers.models import Printer

    try:
        with engine_from_settings(settings).connect() as conn:
            rows = conn.execute(
                sa.select(col(Printer.site_code)).distinct().order_by(col(Printer.site_code))
            ).scalars()
            return [str(s) for s in rows]
    except sa.exc.DBAPIError:
        return []


@dataclass
class DeployResult:
    api_url: str
    pool: str
    queues: list[str]
    automation: str
    deployments: list[str] = field(default_factory=list)
    output: str = ""


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise ApiUrlMissing()
    return str(url)


def ensure_pool(pool: str, queues: list[str]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        for queue in queues:
            try:
                client.create_work_queue(name=queue, work_pool_name=pool)
            except ObjectAlreadyExists:
                pass


def ensure_crash_automation(crash_after_s: int) -> str:
    """The automation marking runs whose heartbeats stopped as Crashed (kept up to date)."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    wanted = Automation(
        name=AUTOMATION_NAME,
        description=(
            "Run yang berhenti mengirim detak (worker mati, PC padam) ditandai Crashed; "
            "pekerjaan cetaknya diambil alih run berikutnya setelah masa sewa habis."
        ),
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=crash_after_s),
        ),
        actions=[
            ChangeFlowRunState(  # type: ignore[call-arg]  # pydantic Field(None) defaults
                state=StateType.CRASHED,
                message=(
                    f"Tidak ada detak selama {crash_after_s} detik: worker atau mesinnya "
                    "mati. Pekerjaan cetak dilanjutkan run berikutnya."
                ),
            )
        ],
    )
    try:
        # ``read`` is async_dispatch: called from sync code it returns the automation.
        existing = cast(Automation, Automation.read(name=AUTOMATION_NAME))
    except ValueError:
        wanted.create()
        return AUTOMATION_NAME
    for attr in ("description", "trigger", "actions"):
        setattr(existing, attr, getattr(wanted, attr))
    existing.update()
    return AUTOMATION_NAME


def deploy(settings: Settings, *, prefect_file: Path = PREFECT_FILE) -> DeployResult:
    """Pool, queues, automation and every deployment; raises ``DeployError``."""
    api_url = _api_url()
    if not prefect_file.is_file():
        raise DeploymentFileMissing(prefect_file)
    base = yaml.safe_load(prefect_file.read_text())
    sites = printer_sites(settings)
    doc = deployment_file(base, sites=sites, pool=settings.work_pool)
    queues = ["default", "inbox", *(site_queue(s) for s in sites)]
    try:
        ensure_pool(settings.work_pool, queues)
        automation = ensure_crash_automation(settings.crash_after_s)
    except DeployError:
        raise
    except Exception as exc:  # noqa: BLE001 - the server refused or is out of reach
        raise ServerRefused(api_url, type(exc).__name__, str(exc)) from exc
    with tempfile.TemporaryDirectory(prefix="cetak-deploy-") as tmp:
        path = Path(tmp) / "prefect.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        env = dict(os.environ, PREFECT_CLI_PROMPT="false")
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "prefect"), "--no-prompt", "deploy", "--all"]
            + ["--prefect-file", str(path)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    output = _plain(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise PrefectDeployFailed(proc.returncode, "\n".join(output.splitlines()[-15:]))
    return DeployResult(
        api_url, settings.work_pool, queues, automation, deployment_names(doc), output
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _plain(text: str) -> str:
    return _ANSI.sub("", text)


def worker_command(
    settings: Settings, *, site: str | None, inbox: bool, name: str | None
) -> list[str]:
    """``prefect worker start`` for this machine (see ``worker_queues``)."""
    cmd = [
        str(Path(sys.executable).parent / "prefect"),
        "worker",
        "start",
        "--pool",
        settings.work_pool,
        "--type",
        "process",
    ]
    for queue in worker_queues(site=site, inbox=inbox):
        cmd += ["--work-queue", queue]
    if name:
        cmd += ["--name", name]
    return cmd


def worker_env(settings: Settings, *, site: str | None) -> dict[str, str]:
    """The worker's environment: the env file under the process's own variables, flow
    heartbeats on (for the crashed-run automation), the site this machine drives."""
    from cetak.settings import read_env_file

    env = {**read_env_file(), **os.environ}
    env.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(max(30, settings.flow_heartbeat_s)))
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if site:
        env["CETAK_SITE"] = site
    return env


# --- a print run started by a member of staff (the dashboard's "Mulai pencetakan") ----------

#: The flow ``cetak print`` runs; named by its path: the application layer does not import
#: the workflows above it, it starts their flow as the CLI does.
PRINT_FLOW = "workflows.printing:print_run"


def run_print(
    engine: Any,
    actor: Any,
    *,
    max_cards: int | None = None,
    site: str | None = None,
) -> dict[str, Any]:
    """Run the print run as ``cetak print`` does and return its summary (the same dict as
    ``cetak print --json``): refused unless the actor may change printers' state, one audit
    row ``print_run`` when it ends (``ok`` false when the engine failed, then re-raised)."""
    import importlib

    from cetak.access import Action, Forbidden, allowed
    from cetak.db import write_session
    from cetak.users import note

    params = {k: v for k, v in {"max_cards": max_cards, "site": site}.items() if v is not None}
    detail: dict[str, Any] = {"flow": "print_run", **params}
    if not allowed(actor.role, Action.PRINTER_STATE):
        with write_session(engine) as session:
            note(session, actor, "print_run", detail=detail, ok=False)
        raise Forbidden(actor, Action.PRINTER_STATE)
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    from application.localprefect import using_server

    module, name = PRINT_FLOW.split(":")
    try:
        with using_server():  # the kept local Prefect server, see application.localprefect
            flow = getattr(importlib.import_module(module), name)
            summary = cast("dict[str, Any]", flow(**params))
    except Exception as exc:
        with write_session(engine) as session:
            note(
                session,
                actor,
                "print_run",
                detail={**detail, "error": type(exc).__name__},
                ok=False,
            )
        raise
    with write_session(engine) as session:
        note(session, actor, "print_run", detail=detail, ok=True)
    return summary

"""Flows: prefect.yaml points at real flows; the ingest flow runs its steps as tasks."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import yaml
from prefect import Flow

from factory import BatchSpec, make_row

ROOT = Path(__file__).resolve().parents[2]


def _deployments() -> list[dict]:
    return yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]


@pytest.mark.parametrize("deployment", _deployments(), ids=lambda d: d["name"])
def test_every_deployment_entrypoint_is_a_flow(deployment: dict) -> None:
    path, name = deployment["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert isinstance(getattr(module, name), Flow)
    for schedule in deployment.get("schedules", []):
        assert schedule["timezone"] == "Asia/Jakarta"


@pytest.mark.slow
def test_the_ingest_flow_takes_the_inbox_when_no_path_is_given(home, served, prefect_api):
    from workflows.ingest import ingest

    BatchSpec(rows=[make_row() for _ in range(3)]).write(home.inbox_dir)
    acks = ingest()
    assert [a["status"] for a in acks] == ["ACCEPTED"]
    assert acks[0]["queued"] == 3
    assert json.loads((home.outbox_dir / f"ACK-{acks[0]['batch_id']}.json").read_text()) == acks[0]
    assert list(home.inbox_dir.iterdir()) == []


@pytest.mark.slow
def test_the_ingest_flow_records_one_task_run_per_batch_step(home, served, prefect_api):
    from prefect.client.orchestration import get_client

    from workflows.ingest import ingest

    BatchSpec(rows=[make_row()]).write(home.inbox_dir)
    state = ingest(return_state=True)
    flow_run_id = state.state_details.flow_run_id

    import asyncio

    async def task_names() -> list[str]:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
        from prefect.client.schemas.sorting import TaskRunSort

        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
                sort=TaskRunSort.EXPECTED_START_TIME_DESC,
                limit=50,
            )
            return sorted(r.name.rsplit("-", 1)[0] for r in runs)

    assert asyncio.run(task_names()) == [
        "file-delivery",
        "read-and-check-batch",
        "store-records",
        "write-ack",
    ]

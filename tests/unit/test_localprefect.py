"""The kept local Prefect server's rules (application.localprefect), without processes."""

from __future__ import annotations

import os
from pathlib import Path

from application import localprefect as lp


def test_mode_defaults_to_keep_and_understands_temporary():
    assert lp.mode({}) == "keep"
    assert lp.mode({"CETAK_PREFECT_LOCAL": "keep"}) == "keep"
    for value in ("temporary", "Sementara", "0", "false"):
        assert lp.mode({"CETAK_PREFECT_LOCAL": value}) == "temporary"


def test_idle_minutes_default_bounds_and_bad_values():
    assert lp.idle_minutes({}) == lp.DEFAULT_IDLE_MINUTES
    assert lp.idle_minutes({"CETAK_PREFECT_IDLE_MINUTES": "5"}) == 5.0
    assert lp.idle_minutes({"CETAK_PREFECT_IDLE_MINUTES": "lima"}) == lp.DEFAULT_IDLE_MINUTES
    assert lp.idle_minutes({"CETAK_PREFECT_IDLE_MINUTES": "0"}) == 0.1
    assert lp.idle_minutes({"CETAK_PREFECT_IDLE_MINUTES": "1e9"}) == 24 * 60.0


def test_idle_is_due_only_after_the_whole_idle_time():
    assert not lp.idle_due(last_used=1000.0, now=1059.0, idle_s=60.0)
    assert lp.idle_due(last_used=1000.0, now=1060.0, idle_s=60.0)


def test_a_live_other_server_supersedes_a_keeper_a_dead_one_does_not():
    me = os.getpid()
    assert not lp.superseded(None, me)
    assert not lp.superseded(lp.Recorded("http://x/api", me, "keeper"), me)
    assert lp.superseded(lp.Recorded("http://x/api", os.getppid(), "serve"), me)
    assert not lp.superseded(lp.Recorded("http://x/api", 2**22 + 7, "serve"), me)


def test_state_round_trip_and_clear_only_by_its_owner(tmp_path: Path):
    assert lp.read_state(tmp_path) is None
    rec = lp.Recorded("http://127.0.0.1:4321/api", 12345, "keeper")
    lp.write_state(tmp_path, rec)
    assert lp.read_state(tmp_path) == rec
    lp.clear_state(tmp_path, 999)  # not the recorded owner: kept
    assert lp.read_state(tmp_path) == rec
    lp.clear_state(tmp_path, 12345)
    assert lp.read_state(tmp_path) is None
    (tmp_path / lp.STATE_NAME).write_text("{not json")
    assert lp.read_state(tmp_path) is None


def test_a_configured_api_or_the_temporary_mode_uses_no_kept_server(tmp_path: Path):
    with lp.using_server({"PREFECT_API_URL": "http://10.0.0.5:4200/api"}) as url:
        assert url is None
    with lp.using_server({"CETAK_PREFECT_LOCAL": "temporary", "PREFECT_HOME": str(tmp_path)}) as u:
        assert u is None
    assert not (tmp_path / lp.STATE_NAME).exists()

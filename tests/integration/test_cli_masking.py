"""One masking policy on the command line (issue 13 item 10): NIKs read whole only by a role
that may see them (``cetak.privacy.nik_for_role``), masked otherwise with the card reference
and the name beside them; ``--json`` keeps its shape."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cetak.db import write_session
from cetak.privacy import mask_nik
from cetak.users import add_user


def _users(engine) -> None:
    with write_session(engine) as s:
        add_user(s, "ani", "operator", "kata-sandi-ani-1", actor="test")
        add_user(s, "pantau", "viewer", "kata-sandi-pantau-1", actor="test")


def test_records_and_trace_follow_the_readers_role(engine, printed):
    from cli.app import app

    _users(engine)
    nik, nama = printed["rows"][0]["nik"], printed["rows"][0]["nama"]
    ref = printed["cards"][0]
    runner = CliRunner()
    env = {"COLUMNS": "300"}

    masked = runner.invoke(app, ["records"], env=env)
    assert masked.exit_code == 0, masked.output
    assert nik not in masked.output and mask_nik(nik) in masked.output
    viewer = runner.invoke(app, ["records", "--oleh", "pantau"], env=env)
    assert nik not in viewer.output and mask_nik(nik) in viewer.output
    operator = runner.invoke(app, ["records", "--oleh", "ani"], env=env)
    assert nik in operator.output

    trace = runner.invoke(app, ["trace", ref], env=env)
    assert trace.exit_code == 0, trace.output
    first = trace.output.splitlines()[0]
    assert nik not in first and f"{mask_nik(nik)} · {ref}" in first and nama in first
    assert "antre cetak" in trace.output and "lolos QC" in trace.output  # states as labels
    assert "queued" not in trace.output
    # (trace's read model masks the NIK itself, for --json too: never whole there)

    as_json = json.loads(runner.invoke(app, ["records", "--json"]).output)
    assert nik in {r["nik"] for r in as_json}  # the contract: --json as it always was

    refused = runner.invoke(app, ["records", "--oleh", "siapa"], env=env)
    assert refused.exit_code == 2

"""Distribution as staff use it from the command line: dispatch, receive card by card,
discrepancy cases, collection with a pickup receipt through a real TCP "printer", status.

Cards are printed and QC-passed through the real services in-process (the ``printed``
fixture); every command then runs as a real ``cetak`` subprocess on the same database.
"""

from __future__ import annotations

import json
import os

import pytest

from clihelp import run_cli
from factory import BAYAT, CAWAS
from receipt_samples import GS_V_FULL_CUT, CaptureServer, barcodes, closed_port

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only: the services under these commands run on both in test_distribution."""
    return sqlite_url


@pytest.fixture
def env(home, served) -> dict[str, str]:
    e = dict(os.environ)
    e.update(CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    return e


def cli_json(*args: str, env: dict[str, str]):
    return json.loads(run_cli(*args, "--json", env=env).stdout)


def test_dispatch_receive_resolve_collect_and_status(env, printed, home):
    shipped = cli_json("dispatch", env=env)["shipments"]
    assert [(s["kode_kecamatan"], s["cards"], s["state"]) for s in shipped] == [
        (BAYAT, 2, "dispatched"),
        (CAWAS, 3, "dispatched"),
    ]
    assert all(os.path.exists(s["manifest_path"]) for s in shipped)
    again = run_cli("dispatch", env=env)
    assert "Tidak ada yang dikirim" in again.stdout
    # Dispatching a card that skipped QC is refused by name.
    bad = run_cli("dispatch", "--card", printed["cards"][5], env=env, check=False)
    assert bad.returncode == 1 and "belum melalui QC" in bad.stderr

    cawas = next(s["number"] for s in shipped if s["kode_kecamatan"] == CAWAS)
    bayat = next(s["number"] for s in shipped if s["kode_kecamatan"] == BAYAT)
    cards = cli_json("shipments", cawas, env=env)
    assert [c["card_ref"] for c in cards] == printed["cards"][:3]
    assert all("*" in c["nik"] for c in cards)

    wrong = run_cli(
        "receive", cawas, "--card", printed["cards"][3], "--by", "Sri Wahyuni", env=env, check=False
    )
    assert wrong.returncode == 1 and f"ada di pengiriman {bayat}" in wrong.stderr
    neither = run_cli("receive", cawas, "--by", "Sri Wahyuni", env=env, check=False)
    assert neither.returncode == 2 and "--all" in neither.stderr

    got = cli_json(
        "receive", cawas, "--all", "--missing", printed["cards"][0], "--by", "Sri Wahyuni", env=env
    )
    assert got["received"] == 2 and got["missing"] == [printed["cards"][0]]
    assert got["receipts"][0]["printed"] and got["receipts"][0]["kind"] == "serah_terima"
    twice = run_cli("receive", cawas, "--all", "--by", "Sri Wahyuni", env=env, check=False)
    assert twice.returncode == 1 and "sudah diterima" in twice.stderr
    run_cli("receive", bayat, "--all", "--by", "Agus", env=env)

    [case] = cli_json("discrepancies", "list", env=env)
    assert case["card_ref"] == printed["cards"][0] and case["kind"] == "missing"
    assert case["age_days"] == 0
    resolved = cli_json("discrepancies", "resolve", str(case["id"]), "--as", "lost", env=env)
    assert resolved["resolution"] == "lost"
    closed = run_cli(
        "discrepancies", "resolve", str(case["id"]), "--as", "found", env=env, check=False
    )
    assert closed.returncode == 1 and "sudah diselesaikan" in closed.stderr

    nik = printed["rows"][1]["nik"]
    taken = cli_json("collect", nik, "--by", "Budi Santoso", env=env)
    assert taken["place"] == "kecamatan" and "*" in taken["nik"]
    assert taken["receipts"][0]["printed"]
    assert (home.receipts_dir / f"{printed['cards'][1]}.bin").exists()
    twice = run_cli("collect", nik, "--by", "Budi", env=env, check=False)
    assert twice.returncode == 1 and "sudah diambil" in twice.stderr and nik not in twice.stderr

    status = cli_json("status", env=env)["distribution"]
    by = {r["kode_kecamatan"]: r for r in status}
    assert by[CAWAS] | {} == {
        **by[CAWAS],
        "received": 1,
        "collected": 1,
        "lost": 1,
        "open_discrepancies": 0,
        "in_transit": 0,
    }
    assert by[BAYAT]["received"] == 2 and by[BAYAT]["oldest_uncollected_days"] == 0
    trace = cli_json("trace", printed["cards"][0], env=env)
    assert trace["state"] == "queued" and trace["cards"][0]["state"] == "lost"
    report = cli_json("uncollected", env=env)
    assert sum(r["waiting"] for r in report["by_kecamatan"]) == 3
    assert {r["card_ref"] for r in report["jemput_bola"]} == set(printed["cards"][3:5])


def test_pickup_receipt_through_a_real_socket_and_a_printer_that_is_down(env, printed):
    shipped = cli_json("dispatch", env=env)["shipments"]
    for s in shipped:
        run_cli("receive", s["number"], "--all", "--by", "Sri Wahyuni", env=env)
    # The Cawas office printer is down: the hand-over is still recorded.
    run_cli("receipts", "printer", CAWAS, "--network", f"127.0.0.1:{closed_port()}", env=env)
    nik = printed["rows"][0]["nik"]
    down = run_cli("collect", nik, "--by", "Budi Santoso", env=env)
    assert "Serah terima tetap tercatat" in down.stderr
    assert "tidak dapat dihubungi" in down.stderr
    pending = cli_json("receipts", "list", env=env)
    assert [(r["reference"], r["state"]) for r in pending] == [(printed["cards"][0], "failed")]
    assert cli_json("trace", nik, env=env)["collection"]["by"] == "Budi Santoso"

    # Back up (a real TCP server capturing the ESC/POS bytes): print what is owed.
    server = CaptureServer(timeout=120)
    try:
        run_cli("receipts", "printer", CAWAS, "--network", f"127.0.0.1:{server.port}", env=env)
        result = cli_json("receipts", "print", env=env)
        stream = server.captured()
    finally:
        server.sock.close()
    assert [r["printed"] for r in result] == [True]
    for text in ("TANDA TERIMA KTP-EL", "Budi Santoso", "Cawas", nik[:4] + "********" + nik[12:]):
        assert text.encode("cp437") in stream, text
    assert nik.encode() not in stream
    assert [scanned for _, scanned in barcodes(stream)] == [printed["cards"][0]]
    assert stream.endswith(GS_V_FULL_CUT)
    assert cli_json("receipts", "list", env=env) == []

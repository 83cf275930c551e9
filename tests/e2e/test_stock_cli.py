"""``cetak stock ...`` and ``cetak reorder ...`` as staff use them: messages, exit codes, PDFs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from inventory.models import Movement, ReorderRequest

from clihelp import run_cli

pytestmark = pytest.mark.slow


def stock(env: dict[str, str]) -> dict:
    return json.loads(run_cli("stock", "status", "--json", env=env).stdout)


def pdf_text(path) -> str:
    """Every page's text (the PDF must be one pypdf reads whole)."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def movement_count(db) -> int:
    with db.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(Movement)).scalar()


def test_receive_then_status_shows_the_lot_and_the_reorder_figures(cli_env):
    proc = run_cli(
        "stock",
        "receive",
        "--lot",
        "LOT-2026-11-A",
        "--quantity",
        "4000",
        "--serial-start",
        "KTP0012001",
        "--reference",
        "470/88/Dukcapil",
        env=cli_env,
    )
    assert "Lot LOT-2026-11-A diterima: 4.000 blangko di DISDUKCAPIL." in proc.stdout

    status = stock(cli_env)
    assert status["on_hand"] == 4000
    assert status["days_of_cover"] is None  # nothing used yet
    # No record waits and no blank was used: nothing to cover over the lead time.
    assert status["reorder_point"] == 0
    assert status["open_request"] is None
    assert (status["usage_days"], status["usage_basis"]) == (0, "belum ada data pemakaian")
    text = run_cli("stock", "status", env=cli_env).stdout
    assert "pemakaian rata-rata belum dapat dihitung (belum ada data pemakaian)" in text
    (lot,) = status["lots"]
    assert lot["site"] == "DISDUKCAPIL" and lot["lot"] == "LOT-2026-11-A"
    assert (lot["received"], lot["on_hand"], lot["awaiting_destruction"]) == (4000, 4000, 0)
    assert lot["reference"] == "470/88/Dukcapil"

    # ``cetak status --json`` carries the same summary under "stock".
    summary = json.loads(run_cli("status", "--json", env=cli_env).stdout)["stock"]
    assert {"on_hand", "days_of_cover", "reorder_point", "open_request"} <= set(summary)
    assert (summary["on_hand"], summary["days_of_cover"], summary["open_request"]) == (
        4000,
        None,
        None,
    )
    assert summary["reorder_point"] == status["reorder_point"]


def test_receiving_the_same_lot_twice_is_refused_and_the_stock_is_unchanged(cli_env, db):
    run_cli("stock", "receive", "--lot", "LOT-A", "--quantity", "4000", env=cli_env)
    again = run_cli(
        "stock", "receive", "--lot", "LOT-A", "--quantity", "4000", env=cli_env, check=False
    )
    assert again.returncode != 0
    assert "lot 'LOT-A' sudah pernah diterima; stok tidak ditambah lagi" in again.stderr
    assert stock(cli_env)["on_hand"] == 4000
    assert movement_count(db) == 1


def test_bad_input_gets_a_clear_indonesian_message_and_posts_nothing(cli_env, db):
    run_cli(
        "stock",
        "receive",
        "--lot",
        "LOT-A",
        "--quantity",
        "100",
        "--serial-start",
        "KTP0001001",
        env=cli_env,
    )
    cases = [
        (
            ["stock", "receive", "--lot", "LOT-B", "--quantity", "0"],
            "jumlah harus bilangan bulat lebih dari nol (diberikan: 0)",
        ),
        (
            ["stock", "receive", "--lot", "LOT-B", "--quantity", "-5"],
            "jumlah harus bilangan bulat lebih dari nol (diberikan: -5)",
        ),
        (
            ["stock", "receive", "--lot", "LOT-B", "--quantity", "10", "--site", "KEC-ENTAH"],
            "lokasi stok 'KEC-ENTAH' tidak dikenal",
        ),
        (
            [
                "stock",
                "receive",
                "--lot",
                "LOT-B",
                "--quantity",
                "10",
                "--serial-start",
                "KTP0001095",
            ],
            "rentang nomor seri lot 'LOT-B' bertumpuk dengan lot 'LOT-A'",
        ),
        (
            ["stock", "count", "--counted", "90", "--lot", "LOT-ZZZ", "--reason", "opname"],
            "lot 'LOT-ZZZ' tidak ada di DISDUKCAPIL",
        ),
        (
            ["stock", "transfer", "--to", "KEC-ENTAH", "--quantity", "10"],
            "lokasi stok 'KEC-ENTAH' tidak dikenal",
        ),
    ]
    for args, message in cases:
        proc = run_cli(*args, env=cli_env, check=False)
        assert proc.returncode != 0, args
        assert "Gagal:" in proc.stderr and message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert movement_count(db) == 1
    assert [lot["lot"] for lot in stock(cli_env)["lots"]] == ["LOT-A"]


def test_a_stock_take_posts_the_difference_and_proposes_a_large_one_to_the_section_head(cli_env):
    # Issue 11: per lot, and a large difference waits for a supervisor instead of being
    # booked at once (test_plausibility.py follows it to the approval).
    run_cli("stock", "receive", "--lot", "LOT-A", "--quantity", "500", env=cli_env)
    small = run_cli(
        "stock",
        "count",
        "--lot",
        "LOT-A",
        "--counted",
        "498",
        "--reason",
        "opname mingguan",
        env=cli_env,
    )
    assert "selisih -2" in small.stdout and "Kepala seksi" not in small.stdout
    large = run_cli(
        "stock",
        "count",
        "--lot",
        "LOT-A",
        "--counted",
        "450",
        "--reason",
        "opname bulanan",
        env=cli_env,
    )
    assert "selisih -48" in large.stdout
    assert "belum dibukukan" in large.stdout and "persetujuan Kepala seksi" in large.stdout
    assert stock(cli_env)["on_hand"] == 498
    refused = run_cli(
        "stock",
        "count",
        "--lot",
        "LOT-A",
        "--counted",
        "496",
        "--reason",
        "x",
        env=cli_env,
        check=False,
    )  # the lot's proposal is still waiting
    assert refused.returncode == 1 and "menunggu persetujuan" in refused.stderr
    run_cli("stock", "receive", "--lot", "LOT-B", "--quantity", "100", env=cli_env)
    data = json.loads(
        run_cli(
            "stock",
            "count",
            "--lot",
            "LOT-B",
            "--counted",
            "95",
            "--reason",
            "temuan kotak",
            "--json",
            env=cli_env,
        ).stdout
    )
    assert data == {
        "expected": 100,
        "counted": 95,
        "difference": -5,
        "flagged": False,
        "adjustments": [["LOT-B", -5]],
        "lot": "LOT-B",
        "site": "DISDUKCAPIL",
        "state": "BOOKED",
        "proposal": None,
        "created": True,
    }
    assert stock(cli_env)["on_hand"] == 498 + 95


def test_destruction_needs_two_witnesses_and_writes_the_berita_acara(cli_env, home):
    run_cli("stock", "receive", "--lot", "LOT-A", "--quantity", "100", env=cli_env)
    run_cli(
        "stock",
        "spoil",
        "--cause",
        "RUSAK_FISIK",
        "--reason",
        "kena air hujan",
        "--quantity",
        "4",
        env=cli_env,
    )
    reports = home.documents_dir / "berita-acara"

    one = run_cli("stock", "destroy", "--witness", "Sri Wahyuni", env=cli_env, check=False)
    assert one.returncode != 0
    assert "pemusnahan memerlukan sedikitnya dua saksi" in one.stderr
    assert stock(cli_env)["awaiting_destruction"] == 4  # nothing destroyed
    assert not reports.exists() or list(reports.iterdir()) == []

    two = run_cli(
        "stock",
        "destroy",
        "--witness",
        "Sri Wahyuni",
        "--witness",
        "Budi Santoso",
        "--officer",
        "Operator Cetak",
        env=cli_env,
    )
    assert "4 blangko rusak dimusnahkan" in two.stdout
    (pdf,) = reports.glob("470-BAP-001-*.pdf")  # 470/BAP-001/XII/2026 (issue 13)
    assert str(pdf) in two.stdout
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "BERITA ACARA PEMUSNAHAN BLANGKO KTP-EL RUSAK" in flat, text
    number = pdf.stem.replace("-", "/").replace("/BAP/", "/BAP-")
    assert f"Nomor: {number}" in flat, text
    blank = "........................"
    assert f"Nama : Operator Cetak NIP : {blank} Jabatan : Petugas" in flat, text
    for witness in ("Sri Wahyuni", "Budi Santoso"):
        assert f"Nama : {witness} NIP : {blank} Jabatan : Saksi" in flat, text
    assert "sebanyak 4 (terbilang: empat) keping" in flat, text
    causes = "1 Gagal cetak 0 2 Gagal tulis chip 0 3 Rusak fisik 4 4 Perubahan data 0 Jumlah 4"
    assert causes in flat, text
    # One line per destroyed blank: four, all of lot LOT-A damaged on the shelf.
    assert len(re.findall(r"\d LOT-A - - - Rusak fisik", flat)) == 4, text
    status = stock(cli_env)
    assert (status["on_hand"], status["awaiting_destruction"]) == (96, 0)


def test_transfer_to_a_site_added_for_a_kecamatan(cli_env):
    run_cli("stock", "receive", "--lot", "LOT-A", "--quantity", "300", env=cli_env)
    run_cli(
        "stock",
        "site-add",
        "KEC-WEDI",
        "--name",
        "Kecamatan Wedi",
        "--kecamatan",
        "33.10.03",
        env=cli_env,
    )

    proc = run_cli(
        "stock",
        "transfer",
        "--to",
        "KEC-WEDI",
        "--quantity",
        "120",
        "--reference",
        "BAST-01",
        env=cli_env,
    )
    assert "120 blangko dipindahkan ke KEC-WEDI" in proc.stdout
    run_cli(
        "stock",
        "transfer",
        "--to",
        "KEC-WEDI",
        "--quantity",
        "120",
        "--reference",
        "BAST-01",
        env=cli_env,
    )  # the same handover again: no change
    by_site = {(r["site"], r["lot"]): r["on_hand"] for r in stock(cli_env)["lots"]}
    assert by_site == {("DISDUKCAPIL", "LOT-A"): 180, ("KEC-WEDI", "LOT-A"): 120}

    too_many = run_cli(
        "stock", "transfer", "--to", "KEC-WEDI", "--quantity", "999", env=cli_env, check=False
    )
    assert too_many.returncode != 0 and "tidak cukup" in too_many.stderr


def test_the_monthly_report_is_written_as_a_pdf(cli_env, home, served):
    # The report counts the movements posted in the month: this month's, so the lot shows.
    today = served.today()
    run_cli(
        "stock",
        "receive",
        "--lot",
        "LOT-A",
        "--quantity",
        "100",
        "--date",
        today.isoformat(),
        env=cli_env,
    )
    proc = run_cli("stock", "report", "--month", f"{today:%Y-%m}", env=cli_env)
    pdf = home.documents_dir / "laporan-bulanan" / f"LBB-3310-{today:%Y-%m}.pdf"
    assert str(pdf) in proc.stdout
    text = pdf_text(pdf)
    assert f"LBB-3310-{today:%Y-%m}" in text, text
    # The lot's row: opening 0, received 100, nothing else moved, closing 100, as checked.
    row = text.split("\nLOT-A\n", 1)[1].split("\n")[:14]
    assert row == ["0", "100"] + ["0"] * 10 + ["100", "0"], text
    assert text.split("\nLOT-A\n", 1)[1].split("\n")[14] == "sesuai", text


def test_a_request_is_sent_confirmed_and_closed_by_the_delivery(cli_env, db):
    with db.begin() as conn:
        conn.execute(
            sa.insert(ReorderRequest.__table__).values(
                number="SPB-3310-202611-001",
                state="DRAFT",
                quantity=2100,
                actor="test",
                snapshot_json="{}",
                created_at=datetime.now(UTC),
            )
        )
    run_cli("reorder", "send", "SPB-3310-202611-001", env=cli_env)
    run_cli("reorder", "confirm", "SPB-3310-202611-001", "--quantity", "2000", env=cli_env)
    status = stock(cli_env)
    assert status["in_transit"] == 2000
    assert status["open_request"] == {
        "number": "SPB-3310-202611-001",
        "state": "CONFIRMED",
        "quantity": 2100,
    }

    proc = run_cli(
        "stock",
        "receive",
        "--lot",
        "LOT-C",
        "--quantity",
        "2000",
        "--request",
        "SPB-3310-202611-001",
        env=cli_env,
    )
    assert "Permintaan SPB-3310-202611-001 ditutup" in proc.stdout
    (request,) = json.loads(run_cli("reorder", "list", "--json", env=cli_env).stdout)
    assert (request["state"], request["confirmed_quantity"]) == ("RECEIVED", 2000)
    cancel = run_cli("reorder", "cancel", "SPB-3310-202611-001", env=cli_env, check=False)
    assert cancel.returncode != 0
    assert "berstatus RECEIVED; tidak dapat dibatalkan" in cancel.stderr

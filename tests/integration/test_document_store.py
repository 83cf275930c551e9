"""The document store on SQLite and PostgreSQL: papers Cetak writes to ``$CETAK_HOME`` are
kept in the database too, so a dashboard or a CLI on another machine serves them.

Round trip and idempotence of ``cetak.storage``; manifests, carrier sheets and receipts
from the print and distribution paths; letters, monthly reports and alert files; the
dashboard's downloads with the local file gone and another ``$CETAK_HOME``; and the
``cetak documents`` commands through typer's runner.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from cetak import storage
from cetak.db import write_session
from cetak.models import StoredDocument
from cetak.notify import FileNotifier, deliver_pending, raise_alert
from cli.documents import documents_app
from dashboard import data
from distribution import handover, paper, service
from distribution.models import Receipt, Shipment
from inventory import paperwork

from factory import new_request, pack_and_dispatch, w

PDF = b"%PDF-1.4 test document\n%%EOF\n"
APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def rows(engine) -> list[StoredDocument]:
    with Session(engine) as s:
        return list(s.exec(select(StoredDocument).order_by(StoredDocument.id)))


# --- the store itself -----------------------------------------------------------------------


def test_put_get_and_list_round_trip(engine):
    name = "documents/manifes/KRM-3310-20261124-0001.pdf"
    assert storage.put(engine, name, PDF, kind="manifes") is True
    assert storage.put(engine, "receipts/C-1.bin", b"\x1b@slip", kind="struk", media_type="x/y")
    assert storage.get(engine, name) == PDF
    assert storage.get(engine, "documents/manifes/nope.pdf") is None

    listed = storage.list_documents(engine)
    assert [d.name for d in listed] == ["receipts/C-1.bin", name]  # newest first
    info = listed[1]
    assert (info.kind, info.media_type, info.size) == ("manifes", "application/pdf", len(PDF))
    assert len(info.sha256) == 64 and info.host and info.created_at.tzinfo is not None
    assert not hasattr(info, "content")
    assert info.as_json()["name"] == name and info.file_name == "KRM-3310-20261124-0001.pdf"
    assert [d.name for d in storage.list_documents(engine, kind="struk")] == ["receipts/C-1.bin"]
    assert storage.list_documents(engine, limit=1)[0].name == "receipts/C-1.bin"
    assert [d.name for d in storage.list_documents(engine, ending="/C-1.bin")] == [
        "receipts/C-1.bin"
    ]
    assert storage.stored_names(engine, [name, "x/y.pdf"]) == {name}
    with Session(engine) as s:  # the same reads inside a session (the dashboard's)
        assert storage.get(s, name) == PDF
        assert storage.stored_names(s, [name]) == {name}


def test_the_same_bytes_again_change_nothing_and_other_bytes_replace(engine):
    name = "documents/surat/SPB-3310-202611-001.pdf"
    assert storage.put(engine, name, PDF, kind="surat") is True
    (first,) = rows(engine)
    assert storage.put(engine, name, PDF, kind="surat") is False
    (again,) = rows(engine)
    assert (again.id, again.created_at, again.sha256) == (first.id, first.created_at, first.sha256)

    other = PDF + b"% regenerated\n"
    assert storage.put(engine, name, other, kind="surat") is True
    (replaced,) = rows(engine)
    assert replaced.id == first.id and replaced.size == len(other)
    assert storage.get(engine, name) == other and replaced.sha256 != first.sha256


def test_writers_racing_on_one_name_leave_one_row(engine):
    name = "documents/belum-diambil/BDA-3310-20261124.pdf"
    errors: list[BaseException] = []
    versions = [PDF + bytes([65 + i]) for i in range(4)]

    def writer(data: bytes) -> None:
        try:
            for _ in range(3):
                storage.put(engine, name, data, kind="belum-diambil")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(v,)) for v in versions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    (row,) = rows(engine)
    assert row.content in versions and row.size == len(row.content)


def test_names_are_paths_under_cetak_home(tmp_path):
    home = tmp_path / "home"
    assert storage.name_for(home / "documents" / "manifes" / "K.pdf", home) == (
        "documents/manifes/K.pdf"
    )
    # Recorded on another machine whose CETAK_HOME is elsewhere.
    foreign = "/srv/cetak/var/documents/berita-acara/BA-1.pdf"
    assert storage.name_for(foreign, home) == "documents/berita-acara/BA-1.pdf"
    assert storage.name_for("/x/receipts/C-1.bin") == "receipts/C-1.bin"
    assert storage.name_for("/x/y/z.pdf") == "y/z.pdf"
    for bad in ("", "/etc/passwd", "../x.pdf", "documents//x.pdf", "a\\b"):
        with pytest.raises(ValueError):
            storage.put(None, bad, b"", kind="surat")  # type: ignore[arg-type]


# --- writers: print run, distribution, receipts ---------------------------------------------


def test_carrier_sheets_manifests_and_receipts_land_in_the_store(
    engine,
    served,
    printed,
    home,
):
    # The print run wrote its carrier sheet (documents/pengantar) and kept it.
    sheets = storage.list_documents(engine, kind="pengantar")
    assert sheets and all(d.name.startswith("documents/pengantar/") for d in sheets)
    local = home.resolved_home / sheets[0].name
    assert storage.get(engine, sheets[0].name) == local.read_bytes()

    packed = pack_and_dispatch(engine, served)
    paths = paper.write_manifests(engine, home, served)
    assert len(paths) == 2
    for path in paths:
        name = f"documents/manifes/{path.name}"
        assert storage.get(engine, name) == path.read_bytes()
        assert storage.info(engine, name).kind == "manifes"  # type: ignore[union-attr]
    assert paper.write_manifests(engine, home, served) == []
    assert len(storage.list_documents(engine, kind="manifes")) == 2

    # A receipt for a place without a receipt printer: receipts/<ref>.bin, kept too.
    with w(engine) as s:
        for p in packed:
            service.receive(s, served, p.number, officer="Sri", actor="op")
        handover.collect(s, served, printed["rows"][3]["nik"], by="Budi", officer="cli:sri")
    results = paper.print_receipts(engine, home, served)
    assert results and all(r.ok for r in results)
    ref = printed["cards"][3]
    slip = storage.get(engine, f"receipts/{ref}.bin")
    assert slip is not None and slip == (home.receipts_dir / f"{ref}.bin").read_bytes()
    assert printed["rows"][3]["nik"].encode() not in slip
    kinds = {d.name: d.kind for d in storage.list_documents(engine, kind="struk")}
    assert kinds[f"receipts/{ref}.bin"] == "struk"
    with Session(engine) as s:
        assert {r.state for r in s.exec(select(Receipt))} == {"printed"}


def test_a_manifest_downloads_on_another_machine_without_its_local_file(
    engine,
    served,
    printed,
    home,
    tmp_path,
    monkeypatch,
):
    pack_and_dispatch(engine, served)
    paths = paper.write_manifests(engine, home, served)
    wanted = {p: p.read_bytes() for p in paths}
    with Session(engine) as s:
        recorded = list(s.exec(select(Shipment.manifest_path)))
    assert sorted(recorded) == sorted(str(p) for p in paths)
    for p in paths:
        p.unlink()

    # Another machine: its own CETAK_HOME, the same database.
    elsewhere = tmp_path / "other-machine"
    with Session(engine) as s:
        ready = data.available_documents(s, paths=tuple(recorded), home=str(elsewhere))
        assert sorted(ready) == sorted(recorded)
        for p in paths:
            assert data.document_bytes(s, path=str(p), home=str(elsewhere)) == wanted[p]
        # Neither kept nor on disk: not offered, and no bytes.
        gone = str(home.documents_dir / "manifes" / "KRM-0000.pdf")
        assert data.available_documents(s, paths=(gone,), home=str(elsewhere)) == []
        assert data.document_bytes(s, path=gone, home=str(elsewhere)) == b""

    # The page offers the download there.
    from streamlit.testing.v1 import AppTest

    from cetak.access import Actor, Role
    from cetak.models import utcnow
    from cetak.users import add_user

    with write_session(engine) as s:
        add_user(s, "kasi", Role.SUPERVISOR, "kata-sandi-uji-123", actor="test")
    monkeypatch.setenv("CETAK_HOME", str(elsewhere))
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["actor"] = Actor("kasi", Role.SUPERVISOR)
    at.session_state["started_at"] = at.session_state["last_seen"] = utcnow()
    at.run()
    at.switch_page("pages/distribusi.py").run()
    assert not at.exception, [e.value for e in at.exception]
    offered = [b for b in at.button if b.label == "Unduh manifes"]
    assert len(offered) == 2
    offered[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    prepared = at.session_state[f"_unduh_{offered[0].key}"]
    assert prepared[0] in wanted.values()  # the manifest's own bytes, from the database
    captions = [str(c.value) for c in at.caption]
    assert "manifes belum tersedia" not in captions


def test_documents_made_before_the_store_still_download_from_disk(engine, served, home):
    path = home.documents_dir / "surat" / "SPB-OLD.pdf"
    paperwork.write_pdf(path, PDF)  # as before the store existed: no row
    with Session(engine) as s:
        home_s = str(home.resolved_home)
        assert data.available_documents(s, paths=(str(path),), home=home_s) == [str(path)]
        assert data.document_bytes(s, path=str(path), home=home_s) == PDF


# --- writers: letters, monthly reports, alerts ----------------------------------------------


def test_letters_and_monthly_reports_land_in_the_store(engine, served, home):
    number = new_request(engine)
    (letter,) = paperwork.produce_pending(engine, home, served)
    name = f"documents/surat/{number}.pdf"
    assert storage.get(engine, name) == letter.read_bytes()
    assert storage.info(engine, name).kind == "surat"  # type: ignore[union-attr]

    month = served.today().replace(day=1)
    report = paperwork.monthly_report(engine, home, served, month, 0)
    stored = storage.list_documents(engine, kind="laporan-bulanan")
    assert [d.name for d in stored] == [f"documents/laporan-bulanan/{report.name}"]
    assert storage.get(engine, stored[0].name) == report.read_bytes()
    # Made again (the dashboard makes it on every click): still one row.
    paperwork.monthly_report(engine, home, served, month, 0)
    assert len(storage.list_documents(engine, kind="laporan-bulanan")) == 1

    # The local file is gone: the store still has the letter.
    letter_bytes = letter.read_bytes()
    letter.unlink()
    assert storage.read(engine, local=letter, home=home.resolved_home) == letter_bytes


def test_alert_files_land_in_the_store(engine, served, home):
    with write_session(engine) as s:
        raise_alert(s, key="stock:low:1", kind="STOCK", level="WARNING", message="Stok menipis")
    notifier = FileNotifier(home.alerts_dir)
    assert deliver_pending(engine, notifier) == 1
    (doc,) = storage.list_documents(engine, kind="peringatan")
    assert doc.name == "alerts/stock_low_1.json" and doc.media_type == "application/json"
    on_disk = (home.alerts_dir / "stock_low_1.json").read_bytes()
    assert storage.get(engine, doc.name) == on_disk
    assert json.loads(on_disk)["message"] == "Stok menipis"


# --- the CLI ----------------------------------------------------------------------------------


def test_cli_lists_and_gets_documents(engine, served, home, tmp_path, monkeypatch):
    monkeypatch.setenv("CETAK_ENV_FILE", str(tmp_path / "none.env"))
    storage.put(engine, "documents/manifes/KRM-1.pdf", PDF, kind="manifes")
    storage.put(engine, "receipts/C-1.bin", b"\x1b@slip", kind="struk", media_type=storage.ESCPOS)
    runner = CliRunner()

    listed = runner.invoke(documents_app, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    docs = json.loads(listed.stdout)
    assert [d["name"] for d in docs] == ["receipts/C-1.bin", "documents/manifes/KRM-1.pdf"]
    assert set(docs[0]) == {"name", "kind", "media_type", "size", "sha256", "created_at", "host"}
    only = json.loads(runner.invoke(documents_app, ["list", "--kind", "manifes", "--json"]).stdout)
    assert [d["name"] for d in only] == ["documents/manifes/KRM-1.pdf"]
    text = runner.invoke(documents_app, ["list"])
    assert text.exit_code == 0 and "documents/manifes/KRM-1.pdf" in text.stdout
    bad = runner.invoke(documents_app, ["list", "--kind", "foto"])
    assert bad.exit_code == 2 and "tidak dikenal" in bad.stderr

    target = tmp_path / "out" / "m.pdf"
    got = runner.invoke(documents_app, ["get", "documents/manifes/KRM-1.pdf", "--out", str(target)])
    assert got.exit_code == 0, got.output
    assert target.read_bytes() == PDF and "disimpan ke" in got.stdout
    # By file name alone, into a folder.
    by_file = runner.invoke(documents_app, ["get", "KRM-1.pdf", "--out", str(tmp_path)])
    assert by_file.exit_code == 0 and (tmp_path / "KRM-1.pdf").read_bytes() == PDF
    missing = runner.invoke(documents_app, ["get", "documents/surat/X.pdf", "--out", str(target)])
    assert missing.exit_code == 2 and "tidak ditemukan" in missing.stderr


def test_the_table_is_created_by_the_migrations(engine):
    columns = {c["name"] for c in sa.inspect(engine).get_columns("stored_document")}
    assert columns == {
        "id",
        "name",
        "kind",
        "media_type",
        "content",
        "size",
        "sha256",
        "created_at",
        "host",
    }
    assert storage.list_documents(engine) == []

"""Rationing through the database (issue 15): a versioned, audited policy; urgent flags an
operator asks for and a supervisor approves; and a print run that follows the policy when
blanks are short and the ordinary order when they are not."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from application import rationing
from cetak.access import Actor, Forbidden, Role
from cetak.errors import staff_message
from cetak.models import Record
from printers.models import PrintJobItem
from printers.ration_store import PolicyRefused, current_policy

from factory import ingest, make_row, receive, sim_printer

OPERATOR = Actor("ani", Role.OPERATOR, via="cli")
KASI = Actor("kasi", Role.SUPERVISOR, via="cli")

POLICY = """
penuaan_hari = 14

[[kelas]]
kode = "mendesak"
nama = "Mendesak"
mendesak = true

[[kelas]]
kode = "pengganti"
nama = "Pengganti rusak atau hilang"
jenis = ["RUSAK", "HILANG"]

[[kelas]]
kode = "lainnya"
nama = "Lainnya"
"""


def _planned(engine) -> set[int]:
    with Session(engine) as s:
        return {int(r) for (r,) in s.execute(sa.select(PrintJobItem.record_id))}


def test_a_policy_is_versioned_audited_and_a_bad_one_changes_nothing(engine, served, tmp_path):
    assert current_policy_version(engine) == 0  # the default: Ditjen's list
    good = tmp_path / "kebijakan.toml"
    good.write_text(POLICY)
    assert rationing.set_policy(engine, KASI, good) == 1
    assert rationing.set_policy(engine, KASI, good) == 2
    with pytest.raises(Forbidden):
        rationing.set_policy(engine, OPERATOR, good)
    bad = tmp_path / "salah.toml"
    bad.write_text(
        'penuaan_hari = 14\n[[kelas]]\nkode = "semua"\n[[kelas]]\nkode = "baru"\njenis = ["BARU"]\n'
    )
    with pytest.raises(PolicyRefused) as info:
        rationing.set_policy(engine, KASI, bad)
    assert "kelas baru tidak akan pernah terisi" in staff_message(info.value)
    broken = tmp_path / "rusak.toml"
    broken.write_text("penuaan_hari = = 3")
    with pytest.raises(PolicyRefused):
        rationing.set_policy(engine, KASI, broken)
    assert current_policy_version(engine) == 2
    view = rationing.overview(engine)
    assert [c.kode for c in view.classes] == ["mendesak", "pengganti", "lainnya"]


def current_policy_version(engine) -> int:
    with Session(engine) as s:
        return current_policy(s).version


def test_short_blanks_print_by_the_policy_and_plenty_prints_oldest_first(
    engine, served, home, tmp_path, run
):
    # 12 records: 4 changes of data (oldest), 4 first cards, 4 replacements; 5 blanks.
    rows = [make_row(jenis_permohonan="PERUBAHAN_DATA") for _ in range(4)]
    rows += [make_row(jenis_permohonan="BARU") for _ in range(4)]
    rows += [make_row(jenis_permohonan="RUSAK") for _ in range(4)]
    ids = ingest(engine, served, home, tmp_path, rows)
    with Session(engine) as s:  # the changes of data queued first (a day earlier)
        for r in s.exec(select(Record).where(Record.id.in_(ids[:4]))):  # type: ignore[union-attr]
            r.created_at = r.created_at - timedelta(days=1)
            s.add(r)
        s.commit()
    # an operator flags one change of data urgent: it waits for the section head
    nik = rows[1]["nik"]
    pending = rationing.flag_urgent(engine, OPERATOR, nik, "lansia")
    assert pending.approved_at is None
    receive(engine, served, 5)
    sim_printer(engine, home, "p1")
    view = rationing.overview(engine)
    assert view.short and view.waiting == 12
    rationing.flag_urgent(engine, KASI, nik, "lansia")  # approved
    run()
    printed = _planned(engine)
    # Ditjen's list: the urgent one, then the 4 first cards; no other change of data
    assert printed == {ids[1], *ids[4:8]}


def test_with_plenty_the_plan_is_the_ordinary_one(engine, served, home, tmp_path, run):
    rows = [make_row(jenis_permohonan="PERUBAHAN_DATA") for _ in range(3)]
    rows += [make_row(jenis_permohonan="BARU") for _ in range(3)]
    ids = ingest(engine, served, home, tmp_path, rows)
    receive(engine, served, 50)
    sim_printer(engine, home, "p1")
    assert not rationing.overview(engine).short
    run()
    assert _planned(engine) == set(ids)


def test_flags_need_a_queued_record_and_a_known_reason(engine, served, home, tmp_path):
    rows = [make_row(jenis_permohonan="BARU")]
    ingest(engine, served, home, tmp_path, rows)
    from printers.ration_store import BadReason, NoFlag, NoQueuedRecord

    with pytest.raises(BadReason) as info:
        rationing.flag_urgent(engine, KASI, rows[0]["nik"], "malas")
    assert "pilihan: bencana, lansia" in staff_message(info.value)
    with pytest.raises(NoQueuedRecord) as info2:
        rationing.flag_urgent(engine, KASI, "3310010101900999", "sakit")
    assert "3310********0999" in staff_message(info2.value)
    with pytest.raises(NoFlag):
        rationing.unflag_urgent(engine, KASI, rows[0]["nik"])
    rationing.flag_urgent(engine, KASI, rows[0]["nik"], "sakit")
    rationing.unflag_urgent(engine, KASI, rows[0]["nik"])
    view = rationing.overview(engine)
    assert {c.kode: c.waiting for c in view.classes}["mendesak"] == 0

"""IKD activations through the use cases (issue 15): audited, refused whole, and read per
month beside blanks received and cards printed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application import ikd
from cetak.access import Actor, Forbidden, Role
from cetak.errors import staff_message
from inventory.ikd import IkdRefused

from factory import receive

OP = Actor("ani", Role.OPERATOR, via="cli")


def test_activations_per_month_beside_blanks(engine, served, tmp_path) -> None:
    today = served.today()
    ikd.add_day(engine, OP, today, 37)
    ikd.add_day(engine, OP, today, 40)  # a correction, not an addition
    receive(engine, served, 500)
    csv = tmp_path / "ikd.csv"
    csv.write_text(f"tanggal,jumlah_aktivasi\n{today - timedelta(days=40):%Y-%m-%d},9\n")
    assert ikd.import_file(engine, OP, csv) == 1
    months = ikd.monthly(engine, count=3)
    assert (months[-1].aktivasi, months[-1].blangko_diterima) == (40, 500)
    assert sum(m.aktivasi for m in months) == 49
    with pytest.raises(IkdRefused) as info:
        ikd.add_day(engine, OP, today + timedelta(days=1), 5)
    assert "tanggal di masa depan" in staff_message(info.value)
    with pytest.raises(Forbidden):
        ikd.add_day(engine, Actor("tamu", Role.VIEWER), today, 1)
    assert ikd.monthly(engine, count=1)[0].aktivasi == 40

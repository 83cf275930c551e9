"""The scarcity sections of the dashboard under AppTest (issue 15): the priority classes on
Antrian with the policy editor for the section head, and consumables, IKD and the backlog
outlook on Stok."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application import consumables, ikd
from cetak.access import Actor, Role

from dashboard_pages import audits, button, logged_in, texts

KASI = Actor("kasi", Role.SUPERVISOR, via="cli")


@pytest.fixture
def scarce(room):
    engine, seeded = room
    from cetak.installation import load_installation

    today = load_installation(engine).today()
    for back in range(1, 10):
        ikd.add_day(engine, KASI, today - timedelta(days=back), 20 + back)
    from cetak.settings import Settings

    consumables.receive(
        engine, KASI, lot="RB-1", kind="ribbon", rolls=2, rated_yield=500, unit_price=3_600_000
    )
    return engine, seeded, Settings()


def test_antrian_shows_the_classes_and_only_the_section_head_edits_the_policy(scarce) -> None:
    engine, _, _ = scarce
    at = logged_in(Role.OPERATOR, "antrian")
    shown = "\n".join(texts(at))
    assert "Prioritas cetak saat blangko kurang" in shown and "KTP-el pertama" in shown
    assert not [b for b in at.button if b.label == "Simpan kebijakan"]
    at = logged_in(Role.SUPERVISOR, "antrian")
    area = [t for t in at.text_area if t.label == "Kebijakan (TOML)"][0]
    area.input(area.value.replace("penuaan_hari = 30", "penuaan_hari = 14")).run()
    button(at, "Simpan kebijakan").click().run()
    assert not at.exception
    assert [a.ok for a in audits(engine, "ration_policy_set")] == [True]
    assert "versi 1" in "\n".join(texts(at))


def test_stok_shows_consumables_and_ikd(scarce) -> None:
    at = logged_in(Role.STOCK_MANAGER, "stok")
    shown = "\n".join(texts(at))
    assert "Bahan habis pakai printer" in shown and "Pita warna (ribbon): 2 rol di rak" in shown
    assert "IKD di samping KTP-el" in shown

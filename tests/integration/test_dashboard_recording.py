"""The "Perekaman & Cakupan" page under AppTest (issue 14): the device board names the
kecamatan that cannot record and where its residents go, coverage shows against the
target, and a breakdown recorded on the page is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from application import recording as rec
from cetak.access import Actor, Role

from dashboard_pages import audits, button, logged_in, texts

OP = Actor("ops", Role.OPERATOR, via="cli")


@pytest.fixture
def recorded(room, tmp_path: Path):
    engine, seeded = room
    rec.add_device(engine, OP, "KLT-JWR-01", "Juwiring", 2016)
    rec.add_device(engine, OP, "KLT-TRC-01", "Trucuk", 2020)
    rec.add_device(engine, OP, "KLT-CWS-01", "Cawas", 2020)
    rec.device_broken(engine, OP, "KLT-JWR-01", "petir", "tersambar saat hujan")
    targets = tmp_path / "wajib.csv"
    targets.write_text(
        "kode_kecamatan,semester,wajib_ktp\n33.10.05,2026-1,40\n33.10.14,2026-1,900\n"
    )
    rec.import_targets(engine, OP, targets)
    distances = tmp_path / "jarak.csv"
    distances.write_text("dari,ke,km\nJuwiring,Trucuk,7\n")
    rec.import_distances(engine, OP, distances)
    return engine, seeded


@pytest.mark.parametrize("role", list(Role))
def test_the_page_renders_for_every_role(recorded, role) -> None:
    at = logged_in(role, "perekaman")
    shown = "\n".join(texts(at))
    assert "Kecamatan tidak dapat merekam=1" in shown
    assert "Juwiring" in shown and "Kec. Trucuk (7 km)" in shown
    assert "tersambar petir" in shown
    # only roles that may record devices get the forms
    forms = [b.label for b in at.button]
    assert ("Catat rusak" in forms) == (role in (Role.OPERATOR, Role.SUPERVISOR))


def test_a_breakdown_recorded_on_the_page_is_audited(recorded) -> None:
    engine, _ = recorded
    at = logged_in(Role.OPERATOR, "perekaman")
    box = [s for s in at.selectbox if s.label == "Alat"][0]
    box.select("KLT-TRC-01")
    cause = [s for s in at.selectbox if s.label == "Penyebab"][0]
    cause.select("listrik_lemah")
    button(at, "Catat rusak").click().run()
    assert not at.exception
    rows = {r.kode: r for r in rec.device_rows(engine)}
    assert rows["KLT-TRC-01"].state == "rusak" and rows["KLT-TRC-01"].cause == "listrik_lemah"
    assert [(a.actor, a.target) for a in audits(engine, "device_broken")][-1] == (
        "ops",
        "KLT-TRC-01",
    )

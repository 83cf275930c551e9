"""Recording devices and coverage: the pure rules (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest

from cetak import labels
from recording.rules import (
    ALLOWED,
    DISDUKCAPIL,
    Cause,
    DeviceState,
    Funnel,
    PlaceKind,
    RepairBy,
    Report,
    alternative,
    coverage,
    lead_time,
    may_move,
    parse_distances,
    parse_place,
    parse_recordings,
    parse_semester,
    parse_targets,
    quantile,
    rank_jemput_bola,
    recorded_until,
    waiting_for_prr,
)

KEC = {"33.10.01": "Prambanan", "33.10.04": "Bayat", "33.10.05": "Cawas", "33.10.06": "Trucuk"}
TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("enum", "table"),
    [
        (DeviceState, labels.DEVICE_STATE),
        (Cause, labels.DEVICE_CAUSE),
        (RepairBy, labels.REPAIR_BY),
        (PlaceKind, labels.DEVICE_PLACE),
    ],
)
def test_every_member_has_an_indonesian_label(enum, table) -> None:
    assert set(table) == {m.value for m in enum}


def test_device_life() -> None:
    assert may_move(DeviceState.BERFUNGSI, DeviceState.RUSAK)
    assert may_move(DeviceState.RUSAK, DeviceState.DALAM_PERBAIKAN)
    assert may_move(DeviceState.DALAM_PERBAIKAN, DeviceState.BERFUNGSI)
    assert may_move(DeviceState.RUSAK, DeviceState.DIGANTI)
    assert not may_move(DeviceState.BERFUNGSI, DeviceState.BERFUNGSI)
    assert not may_move(DeviceState.BERFUNGSI, DeviceState.DALAM_PERBAIKAN)
    for terminal in (DeviceState.DIGANTI, DeviceState.DIHAPUS):
        assert not ALLOWED[terminal]


@pytest.mark.parametrize(
    ("text", "kind", "kode"),
    [
        ("33.10.04", PlaceKind.KECAMATAN, "33.10.04"),
        ("bayat", PlaceKind.KECAMATAN, "33.10.04"),
        ("  Cawas ", PlaceKind.KECAMATAN, "33.10.05"),
        ("Disdukcapil", PlaceKind.DISDUKCAPIL, None),
        ("jemput-bola", PlaceKind.JEMPUT_BOLA, None),
        ("jemput_bola:Trucuk", PlaceKind.JEMPUT_BOLA, "33.10.06"),
    ],
)
def test_places_are_read_as_staff_type_them(text, kind, kode) -> None:
    place = parse_place(text, KEC)
    assert place is not None and place.kind is kind and place.kode_kecamatan == kode


@pytest.mark.parametrize("text", ["33.10.99", "Klaten Utara", "jemput-bola:Mars", ""])
def test_unknown_places_are_none(text) -> None:
    assert parse_place(text, KEC) is None


def test_residents_go_to_the_nearest_working_place() -> None:
    distances = {("33.10.04", "33.10.06"): 12.0, ("33.10.05", "33.10.04"): 9.0}
    distances[("33.10.04", DISDUKCAPIL)] = 18.5
    # Bayat cannot record: Trucuk (12 km) is nearer than the Disdukcapil (18.5 km); Cawas,
    # nearer still, is broken too.
    alt = alternative("33.10.04", {"33.10.06", "33.10.01"}, distances)
    assert (alt.to, alt.km) == ("33.10.06", 12.0)
    # The distance table is read in both directions; with no distance known: the Disdukcapil.
    assert alternative("33.10.05", {"33.10.04"}, distances).to == "33.10.04"
    assert alternative("33.10.01", {"33.10.06"}, distances) == alternative("33.10.01", set(), {})
    assert alternative("33.10.01", set(), {}).to == DISDUKCAPIL


def test_the_disdukcapil_is_skipped_when_its_own_devices_are_down() -> None:
    distances = {("33.10.04", DISDUKCAPIL): 5.0, ("33.10.04", "33.10.06"): 12.0}
    alt = alternative("33.10.04", {"33.10.06"}, distances, disdukcapil_works=False)
    assert alt.to == "33.10.06"


def test_recorded_counts_daily_figures_after_the_last_cumulative_one() -> None:
    reports = [
        Report(date(2026, 11, 1), 40_000, kumulatif=True),
        Report(date(2026, 10, 31), 30, kumulatif=False),  # before the total: inside it
        Report(date(2026, 11, 2), 25),
        Report(date(2026, 11, 3), 17),
    ]
    assert recorded_until(reports) == 40_042
    assert recorded_until(reports, date(2026, 11, 2)) == 40_025
    assert recorded_until(reports, date(2026, 10, 1)) is None
    assert recorded_until([Report(date(2026, 11, 2), 5), Report(date(2026, 11, 3), 7)]) == 12


def test_coverage_and_waiting() -> None:
    assert coverage(187_730, 287_000) == pytest.approx(0.6541, abs=1e-4)  # Kutai Timur
    assert coverage(10, None) is None and coverage(10, 0) is None
    assert waiting_for_prr(120, 100) == 20
    assert waiting_for_prr(90, 100) == 0  # the report lags the feed: never negative
    assert waiting_for_prr(None, 5) == 0


def test_lead_time_quantiles() -> None:
    assert quantile([], 0.5) is None
    assert quantile([4.0], 0.9) == 4.0
    lt = lead_time([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert lt.count == 10 and lt.median == 5.5 and lt.p90 == pytest.approx(9.1)


def _funnel(kode: str, **kw) -> Funnel:
    base = dict(
        kecamatan=KEC[kode],
        wajib_ktp=1000,
        terekam=950,
        prr=900,
        dicetak=900,
        diambil=850,
        alat_berfungsi=1,
        alat_rusak=0,
        belum_diambil=0,
    )
    base.update(kw)
    return Funnel(kode_kecamatan=kode, **base)  # type: ignore[arg-type]


def test_jemput_bola_ranks_no_device_and_low_coverage_first() -> None:
    ranked = rank_jemput_bola(
        [
            _funnel("33.10.01", terekam=1000),  # all recorded, nothing waiting
            _funnel("33.10.04", alat_berfungsi=0, alat_rusak=1, terekam=700),  # Bayat
            _funnel("33.10.05", terekam=500),  # Cawas: half recorded, devices fine
            _funnel("33.10.06", belum_diambil=40),  # Trucuk: cards waiting
        ]
    )
    assert [r.kode_kecamatan for r in ranked] == ["33.10.04", "33.10.05", "33.10.06", "33.10.01"]
    assert ranked[0].reasons == ("low_coverage", "no_device")
    assert ranked[-1].score == 0 and ranked[-1].reasons == ()


def test_targets_file_is_checked_row_by_row() -> None:
    text = (
        "kode_kecamatan,semester,wajib_ktp\n"
        "33.10.01,2026-2,45000\n"
        "Bayat,2026-1,39.120\n"  # a name and a dotted thousand are read
        "33.10.99,2026-2,10\n"
        "33.10.05,2027-1,10\n"
        "33.10.06,2026-2,-4\n"
        "33.10.06,2026/2,abc\n"
        "33.10.01,2026-2,1\n"
    )
    parsed = parse_targets(text, KEC, TODAY)
    assert [(t.kode_kecamatan, t.semester, t.wajib_ktp) for t in parsed.rows] == [
        ("33.10.01", "2026-2", 45_000),
        ("33.10.04", "2026-1", 39_120),
    ]
    assert [(p.line, p.problem) for p in parsed.problems] == [
        (4, "unknown_kecamatan"),
        (5, "future_semester"),
        (6, "negative"),
        (7, "not_a_number"),
        (8, "duplicate"),
    ]


def test_a_wrong_header_is_said_as_such() -> None:
    parsed = parse_targets("kode,wajib\n33.10.01,5\n", KEC, TODAY)
    assert parsed.header == ("kode", "wajib") and not parsed.rows
    assert parse_targets("", KEC, TODAY).header == ()


def test_recordings_file() -> None:
    text = (
        "\ufeffkode_kecamatan,tanggal,jumlah_rekam\n"
        "33.10.01,2026-12-01,25\n"
        "33.10.01,02-12-2026,30\n"
        "33.10.04,2099-01-01,5\n"
        "33.10.04,2026-13-01,5\n"
        "33.10.05,2026-12-01,1000000\n"
    )
    parsed = parse_recordings(text, KEC, TODAY)
    assert [(r.tanggal.day, r.jumlah) for r in parsed.rows] == [(1, 25), (2, 30)]
    assert [p.problem for p in parsed.problems] == ["future_date", "bad_date", "too_large"]
    # a cumulative total may be large
    big = parse_recordings(
        "kode_kecamatan,tanggal,jumlah_rekam\n33.10.05,2026-12-01,1000000\n",
        KEC,
        TODAY,
        kumulatif=True,
    )
    assert big.rows and not big.problems


def test_distances_file() -> None:
    text = (
        'dari,ke,km\nBayat,Trucuk,12\n33.10.04,DISDUKCAPIL,"18,5"\nCawas,Cawas,3\nTrucuk,Bayat,4\n'
    )
    parsed = parse_distances(text, KEC)
    assert [(d.dari, d.ke, d.km) for d in parsed.rows] == [
        ("33.10.04", "33.10.06", 12.0),
        ("33.10.04", DISDUKCAPIL, 18.5),
    ]
    assert [p.problem for p in parsed.problems] == ["same_place", "duplicate"]


def test_semesters() -> None:
    assert parse_semester("2026-1") == (2026, 1)
    assert parse_semester("2026-S2") == (2026, 2)
    assert parse_semester("2026-3") is None

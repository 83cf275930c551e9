"""The alert rule moved out of the daily flow (issue 12: flows hold no rules): one alert
per kecamatan per ISO week for the cards that waited too long there."""

from __future__ import annotations

from datetime import date

from distribution.rules import UncollectedAlert, uncollected_alerts


def late(kode: str, name: str, n: int) -> list[dict[str, object]]:
    return [{"kode_kecamatan": kode, "kecamatan": name, "card_ref": f"K{i}"} for i in range(n)]


def test_one_alert_per_kecamatan_in_code_order_with_its_count():
    cards = (
        late("33.10.05", "Cawas", 3) + late("33.10.04", "Bayat", 2) + late("33.10.05", "Cawas", 1)
    )
    alerts = uncollected_alerts(cards, today=date(2026, 11, 24), days=90)
    assert [(a.kode_kecamatan, a.cards) for a in alerts] == [("33.10.04", 2), ("33.10.05", 4)]
    assert alerts[0] == UncollectedAlert(
        key="uncollected:33.10.04:2026-W48",
        kode_kecamatan="33.10.04",
        cards=2,
        message=(
            "2 KTP-el menunggu lebih dari 90 hari di Kecamatan Bayat: jemput bola atau tarik "
            "kembali ke Disdukcapil"
        ),
    )
    assert (alerts[0].kind, alerts[0].level) == ("uncollected", "WARNING")
    assert alerts[1].data == {"kode_kecamatan": "33.10.05", "cards": 4}


def test_the_key_changes_with_the_iso_week_not_the_day():
    cards = late("33.10.05", "Cawas", 1)
    monday, sunday, next_monday = date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 30)
    keys = [
        uncollected_alerts(cards, today=d, days=60)[0].key for d in (monday, sunday, next_monday)
    ]
    assert keys == [
        "uncollected:33.10.05:2026-W48",
        "uncollected:33.10.05:2026-W48",
        "uncollected:33.10.05:2026-W49",
    ]


def test_the_iso_year_names_the_first_week_of_january():
    key = uncollected_alerts(late("33.10.05", "Cawas", 1), today=date(2027, 1, 1), days=60)[0].key
    assert key == "uncollected:33.10.05:2026-W53"


def test_no_late_cards_no_alerts():
    assert uncollected_alerts([], today=date(2026, 11, 24), days=90) == []


def test_the_limit_is_said_in_the_message():
    [alert] = uncollected_alerts(late("33.10.03", "Wedi", 1), today=date(2026, 11, 24), days=45)
    assert alert.message.startswith("1 KTP-el menunggu lebih dari 45 hari di Kecamatan Wedi")

"""A kecamatan the regency does not have is refused where it is used, not by each front end
(issue 12): the read models and use cases that take a kecamatan check it themselves, so
the CLI, the flows and the dashboard refuse the same codes with the same words."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from cetak.errors import staff_message
from cetak.installation import KecamatanNotServed, ServedRegency, require_kecamatan

BAD = "33.10.99"


def test_the_kernel_names_the_valid_kecamatan(engine: sa.Engine, served: ServedRegency) -> None:
    with Session(engine) as session:
        require_kecamatan(session, "33.10.01")  # Prambanan: served
        with pytest.raises(KecamatanNotServed) as info:
            require_kecamatan(session, BAD)
    text = staff_message(info.value)
    assert text.startswith(
        f"kecamatan '{BAD}' bukan kecamatan Kabupaten Klaten; pilihan: 33.10.01 ("
    )
    assert len(info.value.choices) == len(served.kecamatan)


def test_the_read_models_refuse_an_unknown_kecamatan(
    engine: sa.Engine, served: ServedRegency
) -> None:
    from datetime import date

    from application.queries import iter_records
    from distribution import queries

    today = date(2026, 12, 3)
    with Session(engine) as session:
        for read in (
            lambda: queries.shipments(session, kecamatan=BAD),
            lambda: queries.uncollected_ages(session, today=today, kecamatan=BAD),
            lambda: queries.jemput_bola(session, today=today, min_age=65, kecamatan=BAD),
            lambda: queries.return_list(session, today=today, days=90, kecamatan=BAD),
            lambda: list(iter_records(session, kecamatan=BAD)),
        ):
            with pytest.raises(KecamatanNotServed):
                read()
        assert queries.shipments(session, kecamatan="33.10.01") == []


def test_a_site_or_a_receipt_printer_for_an_unknown_place_changes_nothing(
    engine: sa.Engine, served: ServedRegency
) -> None:
    from application.actions import add_site, set_receipt_printer
    from distribution.errors import UnknownPlace
    from distribution.models import ReceiptPrinter
    from inventory.models import Site

    with pytest.raises(KecamatanNotServed):
        add_site(engine, "cli:root", code="KEC-X", name="Kantor X", kecamatan=BAD)
    with pytest.raises(UnknownPlace) as info:
        set_receipt_printer(
            engine, "cli:root", BAD, kind="network", target="127.0.0.1:9100", profile="TM-T88V"
        )
    assert staff_message(info.value) == (
        f"tempat '{BAD}' tidak dikenal: DISDUKCAPIL atau kode kecamatan kabupaten ini"
    )
    with Session(engine) as session:
        assert session.get(Site, "KEC-X") is None
        assert session.exec(select(ReceiptPrinter)).all() == []
    site = add_site(engine, "cli:root", code="KEC-P", name="Kantor Prambanan", kecamatan="33.10.01")
    assert site.code == "KEC-P"


@pytest.mark.parametrize(
    "args",
    [
        ["shipments", "--kecamatan", BAD],
        ["uncollected", "--kecamatan", BAD],
        ["records", "--kecamatan", BAD],
        ["stock", "site-add", "KEC-X", "--name", "Kantor X", "--kecamatan", BAD],
    ],
    ids=["shipments", "uncollected", "records", "site-add"],
)
def test_the_cli_refuses_with_exit_2_and_the_valid_choices(
    cli_env: dict[str, str], args: list[str]
) -> None:
    from cli.app import app

    result = CliRunner().invoke(app, args, env=cli_env)
    assert result.exit_code == 2, result.output
    assert f"kecamatan '{BAD}' bukan kecamatan Kabupaten Klaten; pilihan:" in result.output

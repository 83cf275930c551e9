"""One root for the errors Cetak raises on purpose, caught once by each front end."""

from __future__ import annotations

import pytest

from application.backup import BackupError, RestoreRefused
from application.orchestration import DeployError
from cetak.access import Forbidden
from cetak.errors import CetakError, staff_message
from cetak.installation import NotInitialised, RegencyChangeRefused
from cetak.lifecycle import IllegalTransition
from cetak.redact import DatabaseFailed
from cetak.regions import RegionDataError
from cetak.users import LoginError, UserError
from distribution.errors import DistributionError
from distribution.rules import ReceiptConflict
from intake.errors import BatchRejected, NotADelivery
from inventory.errors import InsufficientStock, StockError
from printers.errors import PrintError
from workflows.common import NotReady

ROOTS = [
    Forbidden, BackupError, RestoreRefused, NotInitialised, RegencyChangeRefused,
    IllegalTransition, DeployError, DatabaseFailed, RegionDataError, LoginError, UserError,
    BatchRejected, NotADelivery, DistributionError, ReceiptConflict, StockError, PrintError,
    NotReady,
]  # fmt: skip


@pytest.mark.parametrize("cls", ROOTS, ids=lambda c: c.__name__)
def test_every_error_root_derives_from_cetak_error(cls):
    assert issubclass(cls, CetakError)


def test_the_staff_message_is_the_message_where_there_is_one():
    assert staff_message(InsufficientStock("DISDUKCAPIL", 5, 2)).startswith(
        "stok blangko di DISDUKCAPIL tidak cukup"
    )
    from intake.errors import DeliveryRefused

    assert staff_message(DeliveryRefused("x", "tidak ditemukan")).startswith(
        "'x' ditolak: tidak ditemukan. Tidak ada yang dibaca"
    )
    assert staff_message(RuntimeError("x")) == "x"


def test_the_dashboard_says_any_cetak_error_in_bahasa():
    from dashboard.ui import error_message
    from intake.errors import NotABatch
    from workflows.common import DatabaseNotInitialised

    assert error_message(NotABatch("x", "kosong")).startswith("'x' bukan folder batch")
    assert error_message(DatabaseNotInitialised("sqlite://")) == (
        "Basis data sqlite:// belum disiapkan untuk Cetak. Jalankan: cetak init --regency KODE"
    )
    assert error_message(KeyError("x")) is None

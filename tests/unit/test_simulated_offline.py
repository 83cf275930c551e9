"""The simulated printer's ``offline_after`` fault: the link fails once; the repair cures it.

``make demo`` has a printer vanish mid-run and an operator bring it back with "kabel data
diganti": after that repair the same failure must not come back, while the printer's other
faults (a jam every Nth card) go on as before. The printer's memory keeps the repair.
"""

from __future__ import annotations

import pytest

from printers.drivers.base import Fault, PrinterFault
from printers.drivers.simulated import SimulatedDriver

PDF = b"%PDF-1.4 card"


def submit(driver: SimulatedDriver, i: int) -> str:
    return driver.submit(job_name=f"card-{i}", pdf=PDF)


def test_offline_after_stops_the_printer_until_an_operator_repairs_it(tmp_path):
    driver = SimulatedDriver("sim://p?offline_after=3", tmp_path)
    for i in range(3):
        submit(driver, i)
    with pytest.raises(PrinterFault) as err:
        submit(driver, 3)
    assert err.value.fault is Fault.OFFLINE
    assert not driver.status().ready
    with pytest.raises(PrinterFault):  # still gone until someone looks at it
        submit(driver, 4)


def test_after_the_repair_the_printer_does_not_go_offline_again(tmp_path):
    driver = SimulatedDriver("sim://p?offline_after=3", tmp_path)
    for i in range(3):
        submit(driver, i)
    with pytest.raises(PrinterFault):
        submit(driver, 3)
    driver.reset()  # cetak printers up fargo-2 --reason "kabel data diganti"
    assert driver.status().ready
    for i in range(4, 20):
        submit(driver, i)
    # The memory is replayed by a new driver (another run, another process): still mended.
    again = SimulatedDriver("sim://p?offline_after=3", tmp_path)
    for i in range(20, 30):
        submit(again, i)
    assert again.status().ready


def test_only_mending_the_vanished_link_cures_it(tmp_path):
    driver = SimulatedDriver("sim://p?offline_after=3", tmp_path)
    submit(driver, 0)
    submit(driver, 1)
    driver.reset()  # brought "up" while still working: nothing was mended
    for i in range(2, 5):
        submit(driver, i)
    with pytest.raises(PrinterFault) as err:
        submit(driver, 5)
    assert err.value.fault is Fault.OFFLINE


def test_jams_still_recur_after_a_link_repair(tmp_path):
    driver = SimulatedDriver("sim://p?offline_after=1&jam_every=5", tmp_path)
    submit(driver, 0)
    with pytest.raises(PrinterFault):
        submit(driver, 1)
    driver.reset()
    jams = 0
    for i in range(2, 30):
        try:
            submit(driver, i)
        except PrinterFault as exc:
            assert exc.fault is Fault.JAM
            jams += 1
            driver.reset()
    assert jams >= 4

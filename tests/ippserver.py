"""CUPS's ``ippeveprinter`` as a fake IPP card printer for the IPP driver tests.

``ippeveprinter`` (Debian: cups-ipp-utils) will not start without a D-Bus system
bus, even with DNS-SD registration off (``-r off``): it opens an Avahi client at
start-up and exits with "Unable to initialize DNS-SD" if it cannot reach a bus.
The client is opened with AVAHI_CLIENT_NO_FAIL, so avahi-daemon itself need not
run. We start a private ``dbus-daemon`` (Debian: dbus-daemon) on a socket in a
temporary folder and point ``DBUS_SYSTEM_BUS_ADDRESS`` at it: nothing system-wide
is started, used or needed, and no service is announced on the network.

The printer listens on localhost only (127.0.0.1 and ::1). Its print command
(``-c``) is a shell script that copies each document to ``<dir>/printed/<job-id>.pdf``.
``stop_printing(dir, "media-jam")`` makes it stop mid-batch: from then on every
job reports that printer-state-reason (``STATE: +media-jam``) and exits 1, so
``ippeveprinter`` aborts the job, as a jammed card printer would.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_DBUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
"""

_PRINT_COMMAND = """#!/bin/sh
# ippeveprinter print command: $1 is the spooled document.
here={here}
if [ -s "$here/fault" ]; then
  reason=$(cat "$here/fault")
  echo "STATE: +$reason" >&2
  echo "ERROR: printer stopped: $reason" >&2
  exit 1
fi
cp "$1" "$here/printed/$IPP_JOB_ID.pdf" || exit 1
sleep {seconds}
exit 0
"""


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")


def find_ippeveprinter() -> str | None:
    return _which("ippeveprinter")


def find_dbus_daemon() -> str | None:
    return _which("dbus-daemon")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def printer_dir(tmp_path: Path, name: str = "fargo-hdp5000") -> Path:
    return tmp_path / name


def stop_printing(tmp_path: Path, reason: str = "media-jam", name: str = "fargo-hdp5000") -> None:
    """From now on every job fails, the printer reporting ``reason``."""
    (printer_dir(tmp_path, name) / "fault").write_text(reason)


def printed(tmp_path: Path, name: str = "fargo-hdp5000") -> dict[str, bytes]:
    """The documents printed so far, by job id."""
    folder = printer_dir(tmp_path, name) / "printed"
    return {p.stem: p.read_bytes() for p in sorted(folder.glob("*.pdf"))}


def set_supply_level(uri: str, percent: int) -> None:
    """Set the printer's consumable ("Black Toner", our ribbon) through its test web form."""
    base = uri.replace("ipp://", "http://", 1).rsplit("/ipp/print", 1)[0]
    with urllib.request.urlopen(f"{base}/supplies?supply0=25&supply1={percent}", timeout=5):
        pass


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGCONT)  # in case a test froze it
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _wait_for(
    check: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path, what: str
) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{what} did not start (exit {proc.poll()}):\n{tail}")


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def ippeveprinter(
    tmp_path: Path, name: str = "fargo-hdp5000", *, seconds: float = 0.0
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A running fake card printer accepting PDF: yields its URI and its process.

    ``seconds`` is how long each card takes to print.
    """
    binary, dbus = find_ippeveprinter(), find_dbus_daemon()
    if binary is None or dbus is None:
        raise RuntimeError("ippeveprinter needs cups-ipp-utils and dbus-daemon installed")
    here = printer_dir(tmp_path, name)
    for sub in ("spool", "printed"):
        (here / sub).mkdir(parents=True, exist_ok=True)
    command = here / "print.sh"
    command.write_text(_PRINT_COMMAND.format(here=shlex.quote(str(here)), seconds=seconds))
    command.chmod(0o755)
    # A unix socket path is limited to 108 bytes, so the bus lives in a short /tmp folder.
    busdir = Path(tempfile.mkdtemp(prefix="ippbus-"))
    bus_socket = busdir / "bus"
    (busdir / "bus.conf").write_text(_DBUS_CONFIG.format(socket=bus_socket))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with open(here / "dbus.log", "wb") as out:
            bus = subprocess.Popen(
                [dbus, "--nofork", "--nopidfile", f"--config-file={busdir / 'bus.conf'}"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        procs.append(bus)
        _wait_for(bus_socket.exists, bus, here / "dbus.log", "dbus-daemon")
        port = free_port()
        env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={bus_socket}"}
        args = [binary, "-p", str(port), "-n", "localhost", "-r", "off", "-f", "application/pdf"]
        args += ["-d", str(here / "spool"), "-c", str(command), "-M", "Fargo", "-m", "HDP5000"]
        with open(here / "ippeveprinter.log", "wb") as out:
            proc = subprocess.Popen([*args, name], stdout=out, stderr=subprocess.STDOUT, env=env)
        procs.append(proc)
        _wait_for(lambda: _listening(port), proc, here / "ippeveprinter.log", "ippeveprinter")
        yield f"ipp://127.0.0.1:{port}/ipp/print", proc
    finally:
        for p in reversed(procs):
            _stop(p)
        shutil.rmtree(busdir, ignore_errors=True)

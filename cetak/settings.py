"""One settings object, read from the environment once and passed into code."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from cetak.envsettings import PRIVATE_UMASK as PRIVATE_UMASK
from cetak.envsettings import _chmod_own
from cetak.envsettings import private_dir as private_dir
from cetak.envsettings import private_file as private_file
from cetak.envsettings import private_umask as private_umask


class Settings(BaseSettings):
    """Configuration of one Cetak installation.

    ``CETAK_HOME`` holds the SQLite database (by default), the archive of
    deliveries from central, rejected deliveries, the outbox of ACKs and later
    the alerts, receipts and reports.
    """

    model_config = SettingsConfigDict(env_prefix="CETAK_", extra="ignore")

    home: Path = Field(default=Path("var"))
    database_url: str | None = None
    sqlite_busy_timeout_ms: int = 30_000
    insert_chunk_size: int = 2_000

    # Blank stock (issue: blank-card stock). Days are calendar days.
    lead_time_days: float = 7.0
    review_period_days: float = 7.0
    service_level: float = 0.95
    usage_window_days: int = 28
    reorder_box: int = 100
    stocktake_flag_threshold: int = 10
    alert_webhook_url: str | None = None

    # Print production.
    qc_auto_pass: bool = False  # demo only: every printed card passes QC at once
    print_poll_timeout_s: float = 300.0
    print_lease_s: float = 120.0  # a silent worker's job may be taken over after this

    # Running as a service (issue 10): Prefect work pool, sites, backups, logs.
    work_pool: str = "print-room"
    site: str | None = None  # the site whose printers this machine's worker drives
    inbox_host: str | None = None  # the one machine that reads the inbox (several machines)
    backup_dir: Path | None = None  # default: $CETAK_HOME/backups
    backup_keep: int = 14  # the nightly backup keeps this many copies
    dashboard_port: int = 8501
    prefect_port: int = 4200
    flow_heartbeat_s: int = 30  # a flow run's heartbeat (Prefect's minimum is 30 s)
    crash_after_s: int = 120  # no heartbeat for this long: the run is marked Crashed

    # Distribution.
    courier: str = "Kurir Disdukcapil"  # who carries shipments unless told otherwise
    return_after_days: int = 90  # uncollected this long: on the list to return
    jemput_bola_age: int = 65
    # Recording (issue 14): recordings older than this many days with no PRR are "waiting".
    recording_wait_days: int = 30
    # Consumables the regency buys (issue 15): its own procurement lead time and review.
    consumable_lead_days: float = 30.0
    consumable_review_days: float = 14.0
    receipt_timeout_s: float = 5.0

    # Names printed on official documents (berita acara, letters to central).
    office_address: str | None = None
    kepala_dinas: str = "........................"
    kepala_dinas_nip: str | None = None
    kepala_seksi: str = "........................"
    kepala_seksi_nip: str | None = None

    # Plausibility bounds (issue 11): figures above these are refused as input errors.
    max_lot_quantity: int = 100_000  # blanks in one lot received from central
    max_move_quantity: int = 100_000  # blanks in one transfer, return or shelf spoilage
    max_request_quantity: int = 200_000  # blanks central may confirm for one request

    # Every actor audited (issue 11): CLI commands that change something must name an
    # active user (--oleh NAME or CETAK_USER) when this is true; else the OS login is used.
    require_officer: bool = False

    @cached_property
    def resolved_home(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_home / 'cetak.db'}"

    @property
    def archive_dir(self) -> Path:
        return self.resolved_home / "archive"

    @property
    def inbox_dir(self) -> Path:
        """Where deliveries from central are dropped (flash disk copies, downloads)."""
        return self.resolved_home / "inbox"

    @property
    def rejected_dir(self) -> Path:
        return self.resolved_home / "rejected"

    @property
    def alerts_dir(self) -> Path:
        return self.resolved_home / "alerts"

    @property
    def documents_dir(self) -> Path:
        """PDFs: berita acara, monthly reports, letters to central."""
        return self.resolved_home / "documents"

    @property
    def receipts_dir(self) -> Path:
        """ESC/POS receipts of places that have no receipt printer configured (one file each)."""
        return self.resolved_home / "receipts"

    @property
    def outbox_dir(self) -> Path:
        return self.resolved_home / "outbox"

    @property
    def backups_dir(self) -> Path:
        """Where ``cetak backup`` and the nightly backup write (``CETAK_BACKUP_DIR``)."""
        return (self.backup_dir or self.resolved_home / "backups").expanduser().resolve()

    @property
    def logs_dir(self) -> Path:
        """Logs of the server, the worker and the dashboard started by ``cetak serve``."""
        return self.resolved_home / "logs"

    def ensure_dirs(self) -> None:
        """Create Cetak's folders private (0700).

        A home that another user may enter (left 0755 by an older Cetak or a copy) is
        tightened first: the home, the SQLite files in it and everything in Cetak's own
        folders become 0700 / 0600 (``tighten_home``). ``cetak init`` and every flow's
        preflight come through here.
        """
        home = self.resolved_home
        if home.is_dir() and _loose(home):
            tighten_home(self)
        for d in (home, self.inbox_dir, self.archive_dir, self.rejected_dir, self.outbox_dir):
            private_dir(d)


#: Files of the embedded database in ``CETAK_HOME`` (SQLite's WAL, shared memory, journal).
SQLITE_FILES = ("cetak.db", "cetak.db-wal", "cetak.db-shm", "cetak.db-journal")
#: Folders of ``CETAK_HOME`` whose whole content is Cetak's (personal data, paperwork, logs).
HOME_FOLDERS = (
    "inbox",
    "archive",
    "rejected",
    "outbox",
    "alerts",
    "documents",
    "receipts",
    "backups",
    "logs",
)


def _loose(path: Path) -> bool:
    """Group or others have any right to ``path``."""
    try:
        return bool(path.lstat().st_mode & 0o077)
    except OSError:
        return False


def tighten_home(settings: Settings) -> None:
    """Make an existing home private: the home and Cetak's folders 0700, their files and the
    SQLite files 0600. Other files in the home (not Cetak's) are left as they are."""
    home = settings.resolved_home
    _chmod_own(home, 0o700)
    for name in SQLITE_FILES:
        private_file(home / name)
    for name in HOME_FOLDERS:
        top = home / name
        if not top.is_dir() or top.is_symlink():
            continue
        _chmod_own(top, 0o700)
        for root, dirs, files in os.walk(top):
            for d in dirs:
                _chmod_own(Path(root, d), 0o700)
            for f in files:
                _chmod_own(Path(root, f), 0o600)


#: The one environment file an installation keeps its settings in (systemd units, the
#: worker and ``cetak serve`` read it); ``CETAK_ENV_FILE`` names another.
DEFAULT_ENV_FILE = Path("/etc/cetak/cetak.env")


def env_file() -> Path | None:
    """The environment file in force, if any: ``CETAK_ENV_FILE`` or ``/etc/cetak/cetak.env``.

    Variables set in the process environment win over the file.
    """
    named = os.environ.get("CETAK_ENV_FILE")
    if named:
        return Path(named).expanduser()
    return DEFAULT_ENV_FILE if DEFAULT_ENV_FILE.is_file() else None


def read_env_file(path: Path | None = None) -> dict[str, str]:
    """``KEY=VALUE`` lines of the environment file (comments and blanks skipped)."""
    from dotenv import dotenv_values

    path = path or env_file()
    if path is None or not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def get_settings() -> Settings:
    path = env_file()
    if path is not None and path.is_file():
        return Settings(_env_file=path)  # type: ignore[call-arg]
    return Settings()

"""``cetak doctor``: the health of one installation, check by check.

Every check is a plain function of a ``Probe`` (the settings, the environment and what
earlier checks learnt) returning a ``Check``. The I/O of a check stays inside it, and
the judgement of what it found is a pure function (``judge_*``) that tests call with
fake inputs. ``run_checks`` runs them in order and turns any exception into a
``failed`` check with a message in Bahasa Indonesia, never a traceback.

Prefect is reached through its REST API with httpx (no Prefect client), so the doctor
answers in a few seconds even when the server is down.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.engine import Engine

    from cetak.installation import ServedRegency
    from cetak.settings import Settings

Status = Literal["ok", "warning", "failed"]

#: Deployments ``cetak deploy`` registers, as ``flow_name/deployment_name``.
EXPECTED_DEPLOYMENTS: tuple[str, ...] = (
    "ingest/ingest-inbox",
    "print_run/print-run",
    "reorder_check/reorder-check-daily",
    "reconcile/reconcile-nightly",
    "distribution/distribution-daily",
    "daily_report/daily-report",
    "backup/backup-nightly",
)

GIB = 1024**3
DISK_FAILED_BYTES = 1 * GIB
DISK_WARNING_BYTES = 5 * GIB
BACKUP_GLOB = "cetak-backup-*.tar.gz"
BACKUP_WARNING_AGE = timedelta(hours=36)
BACKUP_FAILED_AGE = timedelta(days=7)
CLOCK_WARNING_S = 60.0
CLOCK_FAILED_S = 300.0
HEARTBEAT_MAX_AGE = timedelta(minutes=2)
#: Seconds a database, the Prefect server or a printer may take to answer the doctor.
DEFAULT_TIMEOUT_S = 5.0

INIT_HINT = "jalankan: cetak init --regency KODE (contoh: cetak init --regency 33.10)"
WORKER_HINT = (
    "jalankan worker di PC ini: cetak worker (atau cetak serve di PC kantor tunggal), "
    "atau periksa layanannya: systemctl status cetak-worker"
)
SERVE_HINT = "jalankan server Prefect: cetak serve, dan atur PREFECT_API_URL ke alamatnya"

FAULT_WORDS = {
    "JAM": "kartu macet",
    "RIBBON_OUT": "pita habis",
    "OVERHEAT": "terlalu panas",
    "OFFLINE": "tidak menjawab",
    "ENCODE_FAILED": "chip gagal ditulis",
    "BAD_DATA": "data ditolak",
    "UNKNOWN": "kesalahan printer",
}


@dataclass(frozen=True, slots=True)
class Check:
    """The result of one check (the ``--json`` contract: key, status, message, hint)."""

    key: str
    status: Status
    message: str
    hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Probe:
    """What the checks share: inputs, and what earlier checks found out."""

    environ: Mapping[str, str]
    timeout: float = DEFAULT_TIMEOUT_S
    settings: Settings | None = None
    settings_error: str | None = None
    engine: Engine | None = None
    db_ready: bool = False  # reachable and migrated to head
    served: ServedRegency | None = None
    api_url: str | None = None
    api_headers: dict[str, str] = field(default_factory=dict)
    api_ok: bool = False
    api_error: str | None = None  # set when PREFECT_API_URL is set but not answering
    server_clock_drift_s: float | None = None  # local minus server, seconds
    _http: httpx.Client | None = None

    def http(self) -> httpx.Client:
        import httpx

        if self._http is None:
            self._http = httpx.Client(
                timeout=self.timeout, headers=self.api_headers, follow_redirects=True
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        if self.engine is not None:
            self.engine.dispose()


class Unchecked(Exception):
    """A check that cannot run because an earlier one failed (said as given)."""

    def __init__(self, status: Status, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.hint = status, message, hint


# --- 1. the environment file -----------------------------------------------------------


def check_env_file(probe: Probe) -> Check:
    from pydantic import ValidationError

    from cetak import settings as settings_mod

    named = os.environ.get("CETAK_ENV_FILE")  # as cetak.settings.env_file reads it
    path = settings_mod.env_file()
    if named and path is not None and not path.is_file():
        _load_settings(probe)
        what = "adalah folder, bukan berkas" if path.is_dir() else "tidak ada"
        return Check(
            "env_file",
            "failed",
            f"CETAK_ENV_FILE menunjuk {path}, tetapi berkas itu {what}; "
            "pengaturan di dalamnya tidak terbaca",
            "buat berkas itu (baris KUNCI=NILAI, mis. CETAK_HOME=/var/lib/cetak) "
            "atau hapus CETAK_ENV_FILE dari lingkungan",
        )
    if path is not None:
        try:
            path.read_bytes()
        except OSError as exc:
            _load_settings(probe)
            return Check(
                "env_file",
                "failed",
                f"berkas pengaturan {path} tidak dapat dibaca ({exc.strerror or exc})",
                f"periksa hak akses berkas itu (mis. sudo chmod 640 {path} dan grup pengguna "
                "layanan)",
            )
    try:
        _load_settings(probe, strict=True)
    except ValidationError as exc:
        fields = ", ".join(
            "CETAK_" + str(e["loc"][0]).upper() for e in exc.errors() if e.get("loc")
        )
        where = f"berkas {path} atau lingkungan" if path else "lingkungan"
        return Check(
            "env_file",
            "failed",
            f"pengaturan tidak valid: {fields or 'nilai tidak dikenali'}",
            f"perbaiki nilai itu di {where}",
        )
    if path is None:
        return Check(
            "env_file",
            "ok",
            "tidak ada berkas pengaturan; pengaturan hanya diambil dari variabel lingkungan",
        )
    return Check(
        "env_file",
        "ok",
        f"pengaturan dibaca dari {path} (variabel lingkungan proses tetap diutamakan)",
    )


def _load_settings(probe: Probe, *, strict: bool = False) -> None:
    from cetak.settings import get_settings

    try:
        probe.settings = get_settings()
    except Exception as exc:
        probe.settings_error = type(exc).__name__
        if strict:
            raise


def _settings(probe: Probe) -> Settings:
    if probe.settings is None:
        raise Unchecked("failed", "tidak diperiksa: pengaturan tidak valid (lihat env_file)")
    return probe.settings


# --- 2. the database -------------------------------------------------------------------


def safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(URL basis data tidak dapat dibaca)"


def check_database(probe: Probe) -> Check:
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from cetak.db import alembic_config, make_engine

    settings = _settings(probe)
    url = settings.url
    shown = safe_url(url)
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:" and not Path(database).is_file():
            return Check(
                "database",
                "failed",
                f"berkas basis data SQLite {database} belum ada",
                f"periksa CETAK_HOME / CETAK_DATABASE_URL, lalu {INIT_HINT}",
            )
        engine = make_engine(url, busy_timeout_ms=int(probe.timeout * 1000))
    else:
        kw: dict[str, Any] = {}
        if url.startswith("postgresql"):
            kw["connect_args"] = {"connect_timeout": max(1, int(probe.timeout))}
        engine = make_engine(url, **kw)
    probe.engine = engine
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:
        return Check(
            "database",
            "failed",
            f"basis data {shown} tidak dapat dihubungi ({_short_error(exc)})",
            "periksa bahwa server basis data berjalan dan CETAK_DATABASE_URL benar "
            "(host, port, nama basis data, pengguna)",
        )
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    if not current:
        return Check(
            "database",
            "failed",
            f"basis data {shown} terhubung tetapi skemanya belum dibuat (belum dimigrasi)",
            INIT_HINT,
        )
    if current != heads:
        return Check(
            "database",
            "failed",
            f"skema basis data {shown} belum versi terbaru (revisi {', '.join(sorted(current))}, "
            f"terbaru {', '.join(sorted(heads))})",
            f"perbarui skemanya: {INIT_HINT} (kode kabupaten yang sama; aman diulang)",
        )
    probe.db_ready = True
    return Check("database", "ok", f"basis data {shown} terhubung, skema versi terbaru")


def _short_error(exc: BaseException) -> str:
    """The first line of an error, without SQLAlchemy's background links."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return text[:200]


# --- 3. the regency --------------------------------------------------------------------


def check_regency(probe: Probe) -> Check:
    from cetak.installation import NotInitialised, load_installation

    if probe.engine is None or not probe.db_ready:
        return Check(
            "regency",
            "failed",
            "tidak diperiksa: basis data belum siap (lihat pemeriksaan database)",
            INIT_HINT,
        )
    try:
        served = load_installation(probe.engine)
    except NotInitialised:
        return Check(
            "regency",
            "failed",
            "instalasi belum disiapkan: kabupaten yang dilayani belum dicatat",
            INIT_HINT,
        )
    probe.served = served
    return Check(
        "regency",
        "ok",
        f"melayani {served.kabupaten} ({served.kode_wilayah}), {served.provinsi}, "
        f"{len(served.kecamatan)} kecamatan",
    )


def check_office(probe: Probe) -> Check:
    """The office profile (issue 13): a warning, never a failure, while the letterhead or a
    signer is unset (the papers then print dotted lines to fill by hand)."""
    from application.office import warnings

    if probe.engine is None or not probe.db_ready:
        raise Unchecked("warning", "tidak diperiksa: basis data belum siap (lihat database)")
    missing = warnings(probe.engine)
    if missing:
        return Check(
            "office",
            "warning",
            "kop surat dan penandatangan belum lengkap: " + ", ".join(missing),
            "isi dengan cetak office set ... dan cetak office signer set PERAN --nama --nip "
            "(lihat cetak office show)",
        )
    return Check("office", "ok", "kop surat dan penandatangan dokumen sudah diisi")


# --- 4. the Prefect API ----------------------------------------------------------------


def prefect_api_settings(environ: Mapping[str, str]) -> tuple[str | None, dict[str, str]]:
    """PREFECT_API_URL and the auth header: process environment, env file, then Prefect.

    ``prefect.settings`` (slow to import) is read only when neither names a URL, for a
    URL set with ``prefect config set`` in the Prefect profile.
    """
    from cetak.settings import read_env_file

    file_env: Mapping[str, str] = {}
    try:
        file_env = read_env_file()
    except Exception:  # an unreadable file is reported by env_file
        file_env = {}

    def get(name: str) -> str | None:
        value = environ.get(name) or file_env.get(name)
        return value.strip() if value and value.strip() else None

    url, auth, key = get("PREFECT_API_URL"), get("PREFECT_API_AUTH_STRING"), get("PREFECT_API_KEY")
    if url is None:
        try:
            import prefect.settings as ps

            url = ps.PREFECT_API_URL.value() or None
            if auth is None and ps.PREFECT_API_AUTH_STRING.value():
                auth = ps.PREFECT_API_AUTH_STRING.value().get_secret_value()
            if key is None and ps.PREFECT_API_KEY.value():
                key = ps.PREFECT_API_KEY.value().get_secret_value()
        except Exception:
            url = None
    headers: dict[str, str] = {}
    if auth:
        import base64

        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    elif key:
        headers["Authorization"] = f"Bearer {key}"
    return (url.rstrip("/") if url else None), headers


def server_date(headers: Mapping[str, str]) -> datetime | None:
    """The ``Date`` header of an HTTP answer, as an aware UTC datetime."""
    value = headers.get("date")
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def check_prefect_api(probe: Probe) -> Check:
    import httpx

    url, headers = prefect_api_settings(probe.environ)
    probe.api_url, probe.api_headers = url, headers
    if url is None:
        return Check(
            "prefect_api",
            "warning",
            "PREFECT_API_URL tidak diatur: tanpa server Prefect jadwal tidak berjalan; "
            "jalankan cetak serve",
            SERVE_HINT,
        )
    before = time.time()
    try:
        reply = probe.http().get(f"{url}/health")
    except httpx.HTTPError as exc:
        probe.api_error = type(exc).__name__
        return Check(
            "prefect_api",
            "failed",
            f"server Prefect {url} tidak menjawab ({_http_error(exc)})",
            "jalankan server Prefect (cetak serve, atau systemctl start cetak-server) "
            "dan periksa PREFECT_API_URL",
        )
    after = time.time()
    if reply.status_code != 200:
        probe.api_error = f"HTTP {reply.status_code}"
        hint = "periksa PREFECT_API_URL (biasanya http://HOST:4200/api)"
        if reply.status_code in (401, 403):
            hint = "periksa PREFECT_API_AUTH_STRING (nama:sandi server Prefect)"
        return Check(
            "prefect_api",
            "failed",
            f"server Prefect {url} menjawab HTTP {reply.status_code} pada /health",
            hint,
        )
    probe.api_ok = True
    when = server_date(reply.headers)
    if when is not None:
        # The header has whole seconds: compare with the middle of the request.
        probe.server_clock_drift_s = (before + after) / 2 - when.timestamp()
    return Check("prefect_api", "ok", f"server Prefect {url} menjawab")


def _http_error(exc: BaseException) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "tidak ada jawaban dalam batas waktu"
    if isinstance(exc, httpx.ConnectError):
        return "sambungan ditolak atau host tidak ditemukan"
    return type(exc).__name__


def _need_api(probe: Probe) -> None:
    if probe.api_url is None:
        raise Unchecked("warning", "tidak diperiksa: PREFECT_API_URL tidak diatur", SERVE_HINT)
    if not probe.api_ok:
        raise Unchecked(
            "warning",
            "tidak diperiksa: server Prefect tidak terjangkau (lihat prefect_api)",
            "perbaiki dulu sambungan ke server Prefect",
        )


def _api(probe: Probe, method: str, path: str, json: Any = None) -> httpx.Response:
    import httpx

    try:
        reply = probe.http().request(method, f"{probe.api_url}{path}", json=json)
    except httpx.HTTPError as exc:
        raise Unchecked(
            "failed", f"server Prefect tidak menjawab {path} ({_http_error(exc)})"
        ) from exc
    return reply


# --- 5. deployments --------------------------------------------------------------------


def judge_deployments(
    found: Iterable[str], paused: Iterable[str] = (), expected: Iterable[str] = EXPECTED_DEPLOYMENTS
) -> Check:
    """``found``/``paused``: deployments on the server as ``flow_name/deployment_name``."""
    expected = list(expected)
    found_set = set(found)
    missing = [d for d in expected if d not in found_set]
    if missing:
        return Check(
            "deployments",
            "failed",
            f"{len(missing)} dari {len(expected)} deployment belum terdaftar: {', '.join(missing)}",
            "daftarkan semua deployment: cetak deploy",
        )
    stopped = [d for d in expected if d in set(paused)]
    if stopped:
        return Check(
            "deployments",
            "warning",
            f"deployment dijeda, jadwalnya tidak berjalan: {', '.join(stopped)}",
            "aktifkan lagi: prefect deployment resume NAMA (mis. "
            f"prefect deployment resume {stopped[0]}) atau jalankan cetak deploy",
        )
    return Check("deployments", "ok", f"{len(expected)} deployment terdaftar dan aktif")


def check_deployments(probe: Probe) -> Check:
    _need_api(probe)
    names = sorted({d.split("/", 1)[1] for d in EXPECTED_DEPLOYMENTS})
    reply = _api(
        probe,
        "POST",
        "/deployments/filter",
        {"deployments": {"name": {"any_": names}}, "limit": 200},
    )
    reply.raise_for_status()
    deployments = reply.json()
    flow_ids = sorted({d["flow_id"] for d in deployments})
    flow_names: dict[str, str] = {}
    if flow_ids:
        flows = _api(
            probe, "POST", "/flows/filter", {"flows": {"id": {"any_": flow_ids}}, "limit": 200}
        )
        flows.raise_for_status()
        flow_names = {f["id"]: f["name"] for f in flows.json()}
    found, paused = [], []
    for d in deployments:
        full = f"{flow_names.get(d['flow_id'], '?')}/{d['name']}"
        found.append(full)
        if d.get("paused"):
            paused.append(full)
    return judge_deployments(found, paused)


# --- 6. the worker ---------------------------------------------------------------------


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def judge_workers(pool: str, workers: Iterable[Mapping[str, Any]], now: datetime) -> Check:
    """Workers of ``pool`` as the API lists them; alive = a heartbeat within 2 minutes."""
    beats = [(w.get("name", "?"), _parse_time(w.get("last_heartbeat_time"))) for w in workers]
    alive = [name for name, when in beats if when is not None and now - when <= HEARTBEAT_MAX_AGE]
    if alive:
        return Check(
            "worker",
            "ok",
            f"{len(alive)} worker pool kerja '{pool}' aktif: {', '.join(sorted(alive))}",
        )
    last = max((when for _, when in beats if when is not None), default=None)
    if last is None:
        said = "belum pernah ada worker yang tersambung"
    else:
        minutes = max(0, int((now - last).total_seconds() // 60))
        said = f"detak terakhir {minutes} menit yang lalu"
    return Check(
        "worker",
        "failed",
        f"tidak ada worker pool kerja '{pool}' yang aktif dalam 2 menit terakhir ({said}); "
        "flow terjadwal tidak akan dijalankan",
        WORKER_HINT,
    )


def check_worker(probe: Probe) -> Check:
    _need_api(probe)
    from urllib.parse import quote

    pool = _settings(probe).work_pool
    path = f"/work_pools/{quote(pool, safe='')}"
    reply = _api(probe, "GET", path)
    if reply.status_code == 404:
        return Check(
            "worker",
            "failed",
            f"pool kerja '{pool}' belum ada di server Prefect",
            "buat pool dan deployment-nya: cetak deploy, lalu jalankan cetak worker "
            "(atau cetak serve)",
        )
    reply.raise_for_status()
    if reply.json().get("is_paused"):
        return Check(
            "worker",
            "failed",
            f"pool kerja '{pool}' dijeda: tidak ada flow yang dijalankan",
            f"aktifkan lagi: prefect work-pool resume {pool}",
        )
    workers = _api(probe, "POST", f"{path}/workers/filter", {"limit": 200})
    workers.raise_for_status()
    # Judge heartbeats by the server's own clock (a drifting PC clock is the clock check).
    now = server_date(workers.headers) or datetime.now(UTC)
    return judge_workers(pool, workers.json(), now)


# --- 7. printers -----------------------------------------------------------------------


def _is_retired(printer: Any) -> bool:
    return bool(getattr(printer, "retired", False)) or printer.state == "retired"


def probe_printer(printer: Any, state_root: Path, timeout: float) -> str | None:
    """None when the printer answers and is ready, else what is wrong (Bahasa)."""
    from printers.registry import make_driver

    try:
        driver = make_driver(printer, state_root)
    except Exception as exc:
        return f"konfigurasi salah ({getattr(exc, 'message', None) or exc})"
    if hasattr(driver, "timeout"):
        driver.timeout = min(float(driver.timeout), timeout)
    try:
        status = driver.status()
    except Exception as exc:
        fault = getattr(exc, "fault", None)
        if fault is not None and str(fault) != "OFFLINE":
            return FAULT_WORDS.get(str(fault), "kesalahan printer")
        return "tidak terjangkau"
    finally:
        close = getattr(driver, "close", None)
        if callable(close):
            close()
    if status.ready:
        return None
    if status.fault is not None:
        return FAULT_WORDS.get(str(status.fault), status.state)
    return f"tidak siap ({status.state})"


def judge_printers(results: Mapping[str, str | None], site: str | None = None) -> Check:
    """``results``: printer name -> None (ready) or what is wrong."""
    where = f" di lokasi {site}" if site else ""
    if not results:
        return Check(
            "printers",
            "warning",
            f"belum ada printer terdaftar{where}",
            "daftarkan printer kartu: cetak printers add NAMA --driver ipp --uri ipp://HOST:631/ipp/print",
        )
    bad = {name: why for name, why in results.items() if why is not None}
    if bad:
        listed = "; ".join(f"{name}: {why}" for name, why in sorted(bad.items()))
        return Check(
            "printers",
            "warning",
            f"{len(bad)} dari {len(results)} printer{where} bermasalah: {listed}",
            "periksa printer itu (daya, kabel jaringan, pita, kartu macet); "
            "bila sedang diperbaiki: cetak printers down NAMA --reason ...",
        )
    return Check("printers", "ok", f"{len(results)} printer{where} terjangkau dan siap")


def check_printers(probe: Probe) -> Check:
    from sqlmodel import Session, select

    from printers.models import Printer

    settings = _settings(probe)
    if probe.engine is None or not probe.db_ready:
        raise Unchecked("warning", "tidak diperiksa: basis data belum siap (lihat database)")
    with Session(probe.engine) as session:
        printers = [p for p in session.exec(select(Printer)).all() if not _is_retired(p)]
    if settings.site:
        printers = [p for p in printers if p.site_code == settings.site]
    printers.sort(key=lambda p: p.name)
    if not printers:
        return judge_printers({}, settings.site)
    root = settings.resolved_home
    with ThreadPoolExecutor(max_workers=min(8, len(printers))) as pool:
        answers = pool.map(lambda p: probe_printer(p, root, probe.timeout), printers)
        results = {p.name: why for p, why in zip(printers, answers, strict=True)}
    return judge_printers(results, settings.site)


# --- 8. disk ---------------------------------------------------------------------------


def judge_disk(free_bytes: int, where: Path | str) -> Check:
    free = f"{free_bytes / GIB:.1f} GiB".replace(".", ",")
    if free_bytes < DISK_FAILED_BYTES:
        return Check(
            "disk",
            "failed",
            f"ruang disk kosong tinggal {free} di {where}: cetakan, cadangan dan basis data "
            "bisa gagal ditulis",
            "kosongkan ruang (pindahkan cadangan lama, arsip dan log) atau tambah disk",
        )
    if free_bytes < DISK_WARNING_BYTES:
        return Check(
            "disk",
            "warning",
            f"ruang disk kosong tinggal {free} di {where}",
            "kosongkan ruang sebelum habis (cadangan lama, log di CETAK_HOME/logs)",
        )
    return Check("disk", "ok", f"ruang disk kosong {free} di {where}")


def existing_parent(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def check_disk(probe: Probe) -> Check:
    home = _settings(probe).resolved_home
    return judge_disk(shutil.disk_usage(existing_parent(home)).free, home)


# --- 9. backup -------------------------------------------------------------------------


def _age_words(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours < 48:
        return f"{max(0, int(hours))} jam"
    return f"{int(hours // 24)} hari"


def judge_backup(newest: tuple[str, datetime] | None, now: datetime, where: Path | str) -> Check:
    """``newest``: the newest backup's file name and modification time, or None."""
    if newest is None:
        return Check(
            "backup",
            "warning",
            f"belum ada cadangan ({BACKUP_GLOB}) di {where}",
            "buat cadangan sekarang: cetak backup (cadangan malam dijalankan deployment "
            "backup/backup-nightly)",
        )
    name, when = newest
    age = now - when
    if age > BACKUP_FAILED_AGE:
        return Check(
            "backup",
            "failed",
            f"cadangan terbaru {name} sudah {_age_words(age)}: cadangan malam tidak berjalan",
            "buat cadangan sekarang: cetak backup; lalu periksa worker dan deployment "
            "backup/backup-nightly",
        )
    if age > BACKUP_WARNING_AGE:
        return Check(
            "backup",
            "warning",
            f"cadangan terbaru {name} sudah {_age_words(age)} (lebih dari 36 jam)",
            "buat cadangan: cetak backup; periksa bahwa cadangan malam berjalan",
        )
    return Check("backup", "ok", f"cadangan terbaru {name}, {_age_words(age)} yang lalu")


def newest_backup(folder: Path) -> tuple[str, datetime] | None:
    if not folder.is_dir():
        return None
    found = [(p.stat().st_mtime, p.name) for p in folder.glob(BACKUP_GLOB) if p.is_file()]
    if not found:
        return None
    mtime, name = max(found)
    return name, datetime.fromtimestamp(mtime, UTC)


def check_backup(probe: Probe) -> Check:
    folder = _settings(probe).backups_dir
    return judge_backup(newest_backup(folder), datetime.now(UTC), folder)


# --- 10. clock -------------------------------------------------------------------------


def system_zone() -> tuple[str | None, int]:
    """This machine's time zone name (when known) and its UTC offset now, in seconds."""
    name: str | None = None
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if "/" in tz_env or tz_env == "UTC":
        name = tz_env
    if name is None:
        try:
            name = Path("/etc/timezone").read_text().strip() or None
        except OSError:
            name = None
    if name is None:
        try:
            target = str(Path("/etc/localtime").resolve())
            if "zoneinfo/" in target:
                name = target.split("zoneinfo/", 1)[1]
        except OSError:
            name = None
    return name, time.localtime().tm_gmtoff


def judge_clock(
    drift_s: float | None,
    *,
    zone: str | None,
    now_utc: datetime,
    system_name: str | None,
    system_offset_s: int,
) -> Check:
    """``drift_s``: this machine minus the Prefect server (None: not measured)."""
    from zoneinfo import ZoneInfo

    parts: list[str] = []
    status: Status = "ok"
    hint: str | None = None
    if drift_s is None:
        parts.append("selisih jam dengan server Prefect tidak diperiksa")
    else:
        secs = abs(drift_s)
        way = "lebih cepat" if drift_s > 0 else "lebih lambat"
        said = f"jam PC ini {way} {secs:.0f} detik dari server Prefect"
        if secs > CLOCK_FAILED_S:
            status = "failed"
        elif secs > CLOCK_WARNING_S:
            status = "warning"
        parts.append(said if secs > 1 else "jam PC ini sama dengan server Prefect")
        if status != "ok":
            hint = (
                "setel jam otomatis (NTP): sudo timedatectl set-ntp true, di PC ini dan di "
                "server Prefect"
            )
    if zone:
        local = now_utc.astimezone(ZoneInfo(zone))
        parts.insert(
            0,
            f"zona waktu kabupaten {zone} ({local.tzname()}), sekarang "
            f"{local:%d-%m-%Y %H:%M} {local.tzname()}",
        )
        offset = local.utcoffset()
        differs = (
            (system_name != zone)
            if system_name
            else (offset is None or int(offset.total_seconds()) != system_offset_s)
        )
        if differs:
            parts.append(
                f"zona waktu sistem ({system_name or f'UTC{system_offset_s / 3600:+g}'}) "
                "berbeda; tidak apa-apa, jadwal memakai Asia/Jakarta secara eksplisit dan "
                "tanggal memakai zona kabupaten"
            )
    else:
        parts.insert(0, "zona waktu kabupaten belum diketahui (instalasi belum disiapkan)")
    return Check("clock", status, "; ".join(parts), hint)


def check_clock(probe: Probe) -> Check:
    name, offset = system_zone()
    return judge_clock(
        probe.server_clock_drift_s,
        zone=probe.served.timezone if probe.served else None,
        now_utc=datetime.now(UTC),
        system_name=name,
        system_offset_s=offset,
    )


# --- running them ----------------------------------------------------------------------

CHECKS: tuple[tuple[str, Callable[[Probe], Check]], ...] = (
    ("env_file", check_env_file),
    ("database", check_database),
    ("regency", check_regency),
    ("office", check_office),
    ("prefect_api", check_prefect_api),
    ("deployments", check_deployments),
    ("worker", check_worker),
    ("printers", check_printers),
    ("disk", check_disk),
    ("backup", check_backup),
    ("clock", check_clock),
)


def run_one(key: str, fn: Callable[[Probe], Check], probe: Probe) -> Check:
    """One check; whatever it raises becomes a ``failed`` check in Bahasa."""
    try:
        return fn(probe)
    except Unchecked as exc:
        return Check(key, exc.status, exc.message, exc.hint)
    except Exception as exc:
        return Check(
            key,
            "failed",
            f"pemeriksaan gagal karena kesalahan tak terduga ({type(exc).__name__}: "
            f"{_short_error(exc)})",
            "jalankan lagi cetak doctor; bila tetap gagal, laporkan pesan ini ke pengelola sistem",
        )


def run_checks(*, timeout: float = DEFAULT_TIMEOUT_S) -> list[Check]:
    """All checks, in order, for the installation the process environment describes."""
    probe = Probe(environ=os.environ, timeout=timeout)
    try:
        return [run_one(key, fn, probe) for key, fn in CHECKS]
    finally:
        probe.close()


def report(checks: list[Check]) -> dict[str, Any]:
    """The ``cetak doctor --json`` document."""
    return {
        "ok": not any(c.status == "failed" for c in checks),
        "checks": [c.as_dict() for c in checks],
    }

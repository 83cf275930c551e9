"""The dashboard in a real browser: ``streamlit run`` against a seeded database, driven by
Debian's headless Chromium through Playwright (never a downloaded browser).

A visitor without a session sees the login form and no personal data; a supervisor logs
in, visits every page through the sidebar, sees the database's figures, and marks a
printer down. A screenshot of each page is kept in ``$CETAK_ARTIFACTS/dashboard/``
(default ``test-artifacts/dashboard/``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from cetak.privacy import holds_full_nik

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dashboard_browser")]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER, PASSWORD = "kasi", "sandi-kepala-seksi-1"
RECORDS = 2_000
PAGES = (
    "Ringkasan",
    "Antrian & Printer",
    "Stok Blangko",
    "Distribusi",
    "Perekaman & Cakupan",
    "Karantina",
    "Audit",
)
#: Pages whose every table offers an Excel download.
EXCEL_PAGES = ("Ringkasan", "Antrian & Printer", "Stok Blangko", "Distribusi", "Karantina", "Audit")
MASKED_NIK = re.compile(r"\d{4}\*{8}\d{4}")
#: What a section head must not read (issue 13, item 9): codes, English, levels, roles.
RAW_WORDS = re.compile(
    r"\b(WARNING|CRITICAL|supervisor|stock_manager|Ribbon|wrong_password|BAD_NIK_FORMAT|"
    r"DUPLICATE_NIK_IN_BATCH|NIK_ALREADY_QUEUED|dispatched|needs_attention|login_failed)\b"
)
#: A count written the US way ("1,000"): the dashboard writes 1.000 (issue 13, item 8).
US_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3},\d{3}(?![\d,])")
TIMEOUT_MS = 60_000


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what}; .ci/run must install it")
    pytest.skip(what)


def artifacts_dir() -> Path:
    root = Path(os.environ.get("CETAK_ARTIFACTS", REPO / "test-artifacts"))
    path = root / "dashboard"
    path.mkdir(parents=True, exist_ok=True)
    return path


def num(n: int) -> str:
    """As the dashboard shows a count: ``1.234``."""
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True)
class Room:
    home: Path
    db: Path
    env: dict[str, str]

    def one(self, sql: str, *args: Any) -> Any:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, args).fetchone()[0]

    def names(self) -> list[str]:
        with sqlite3.connect(self.db) as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT nama FROM record")]

    def niks(self) -> list[str]:
        with sqlite3.connect(self.db) as conn:
            return [r[0] for r in conn.execute("SELECT nik FROM record")]


def _bench_seeder() -> Any:
    """``bench/dashboard_seed.py`` under its own name (``tests/dashboard_seed.py`` is another)."""
    spec = importlib.util.spec_from_file_location(
        "bench_dashboard_seed", REPO / "bench" / "dashboard_seed.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    """A year of a small print room (the benchmark's seeder) and a supervisor made with the
    real CLI."""
    dashboard_seed = _bench_seeder()
    home = tmp_path_factory.mktemp("dashboard-browser")
    db = home / "cetak.db"
    dashboard_seed.seed(db, RECORDS, progress=lambda _text: None)
    env = {
        **os.environ,
        "CETAK_HOME": str(home),
        "CETAK_DATABASE_URL": f"sqlite:///{db}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    cli = Path(sys.executable).with_name("cetak")
    done = subprocess.run(
        [str(cli), "users", "add", USER, "--role", "supervisor", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Room(home, db, env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(room: Room) -> Iterator[str]:
    port = _free_port()
    log = (room.home / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "dashboard" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--client.toolbarMode",
            "viewer",
        ],
        cwd=REPO,
        env=room.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited: {(room.home / 'streamlit.log').read_text()}")
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer on /_stcore/health within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 6000}, locale="id-ID")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    context.close()


# --- driving Streamlit ------------------------------------------------------------------------


def settle(page: Any) -> None:
    """Wait until Streamlit has finished running the script (its status widget is gone)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(300)  # let a rerun that was just triggered show its status
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden")
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached")


def log_in(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_label("Nama pengguna").fill(USER)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    settle(page)


def open_page(page: Any, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for()
    settle(page)


def choose(page: Any, selectbox: Any, option: str) -> None:
    """Pick ``option`` in an ``st.selectbox`` (a combobox: its list opens on arrow down)."""
    box = selectbox.get_by_role("combobox")
    box.click()
    box.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while box.input_value() != option:
        assert time.monotonic() < deadline, f"{option} was not chosen"
        page.wait_for_timeout(100)


def metric(page: Any, label: str) -> str:
    """The value of the ``st.metric`` with this label, as shown."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator(
            '[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$")
        )
    )
    box.first.wait_for()
    return str(box.first.locator('[data-testid="stMetricValue"]').inner_text()).strip()


def screenshot(page: Any, title: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    path = artifacts_dir() / f"{slug}.png"
    settle(page)
    page.wait_for_timeout(1000)  # charts and tables below the fold draw last
    page.screenshot(path=str(path), full_page=True)
    return path


def shows_personal_data(text: str, room: Room) -> list[str]:
    found = []
    if holds_full_nik(text):
        found.append("a full NIK")
    if MASKED_NIK.search(text):
        found.append("a masked NIK")
    found += [f"name {n!r}" for n in room.names() if len(n) >= 6 and n in text][:3]
    found += [f"NIK {n}" for n in room.niks() if n in text][:3]
    return found


# --- tests ------------------------------------------------------------------------------------


def test_a_visitor_without_a_session_sees_the_login_form_and_no_personal_data(
    page: Any, server: str, room: Room
) -> None:
    raw = httpx.get(server, timeout=10).text  # what any client gets without a browser
    assert not shows_personal_data(raw, room)

    for path in ("", "/antrian", "/karantina", "/audit"):  # page URLs lead to the form too
        page.goto(server + path)
        page.get_by_label("Nama pengguna").wait_for()
        settle(page)
        assert page.get_by_role("button", name="Masuk").is_visible()
        text = page.inner_text("body") + page.content()
        assert not shows_personal_data(text, room), path
        assert "PRR menunggu" not in text
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    screenshot(page, "masuk")


def test_a_wrong_password_is_refused_without_showing_data(
    page: Any, server: str, room: Room
) -> None:
    page.goto(server)
    page.get_by_label("Nama pengguna").fill(USER)
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_text("Nama pengguna atau kata sandi salah").wait_for()
    settle(page)
    assert not shows_personal_data(page.inner_text("body") + page.content(), room)
    assert room.one("SELECT count(*) FROM auditentry WHERE action = 'login_failed'") >= 1


def test_a_supervisor_sees_the_database_figures_on_every_page(
    page: Any, server: str, room: Room
) -> None:
    log_in(page, server)
    waiting = room.one("SELECT count(*) FROM record WHERE state IN ('queued','held','scheduled')")
    on_hand = room.one("SELECT sum(on_hand) FROM balance")
    awaiting = room.one("SELECT sum(awaiting_destruction) FROM balance")
    attention = room.one("SELECT count(*) FROM record WHERE state = 'needs_attention'")
    at_kec = room.one("SELECT count(*) FROM card WHERE state = 'received'")
    quarantined = room.one("SELECT count(*) FROM record WHERE state = 'quarantined'")
    expected = {
        "Ringkasan": {
            "PRR menunggu cetak": waiting,
            "Blangko di tangan": on_hand,
            "Perlu perhatian operator": attention,
            "KTP-el menunggu diambil": at_kec,
        },
        "Stok Blangko": {
            "Blangko di tangan": on_hand,
            "Rusak menunggu dimusnahkan": awaiting,
        },
        "Karantina": {"Record karantina": quarantined},
    }
    assert waiting > 0 and on_hand > 0 and quarantined > 0  # figures worth comparing
    for title in PAGES:
        open_page(page, title)
        screenshot(page, title)
        body = page.inner_text("body")
        assert "Traceback" not in body and "Tindakan gagal" not in body, title
        assert not RAW_WORDS.findall(body), (title, RAW_WORDS.findall(body))
        assert not US_THOUSANDS.findall(body), (title, US_THOUSANDS.findall(body))
        if title in EXCEL_PAGES:  # every table can be taken to Excel
            assert page.get_by_role("button", name="Unduh Excel (.xlsx)").count() >= 1, title
        for label, value in expected.get(title, {}).items():
            assert metric(page, label) == num(value), f"{title}: {label}"
        if title == "Antrian & Printer":
            for name in ("fargo-1", "fargo-5"):
                assert name in page.content()
            assert page.get_by_role("button", name="Mulai pencetakan").is_visible()
        if title == "Audit":
            page.get_by_text(USER, exact=True).first.wait_for()


def test_a_supervisor_marks_a_printer_down_and_it_is_audited(
    page: Any, server: str, room: Room
) -> None:
    printer = "fargo-2"
    assert room.one("SELECT state FROM printer WHERE name = ?", printer) == "online"
    log_in(page, server)
    open_page(page, "Antrian & Printer")
    form = page.locator('[data-testid="stForm"]').filter(has_text="Ubah status printer")
    choose(page, form.locator('[data-testid="stSelectbox"]').filter(has_text="Printer"), printer)
    form.get_by_text("Hentikan (perawatan)").click()
    form.get_by_label("Alasan").fill("kartu macet di jalur cetak")
    form.get_by_role("button", name="Simpan status printer").click()
    page.get_by_text(f"Printer {printer} dihentikan untuk perawatan.").wait_for()
    settle(page)
    screenshot(page, "antrian-printer-dihentikan")

    assert room.one("SELECT state FROM printer WHERE name = ?", printer) == "maintenance"
    assert room.one("SELECT state_reason FROM printer WHERE name = ?", printer) == (
        "kartu macet di jalur cetak"
    )
    audited = room.one(
        "SELECT count(*) FROM auditentry WHERE actor = ? AND action = 'printer_down' "
        "AND target = ? AND ok = 1",
        USER,
        printer,
    )
    assert audited == 1


def test_the_quarantine_csv_reaches_only_the_logged_in_browser(room, server, page):
    """Issue 11 item 8: a file with full NIKs is never served at a URL. The CSV travels inside
    the page (a ``data:`` link over the session's websocket): the user saves it, while no
    ``/media`` URL exists that a client without a session could fetch."""
    from urllib.parse import urlsplit

    media: list[str] = []  # Streamlit's media files (/media/<id>), not its fonts (/static/media)
    page.on(
        "request",
        lambda r: (
            media.append(urlsplit(r.url).path)
            if urlsplit(r.url).path.startswith("/media/")
            else None
        ),
    )
    log_in(page, server)
    open_page(page, "Karantina")
    page.get_by_role("button", name="Unduh CSV untuk pusat").click()
    settle(page)
    frame = page.frame_locator('iframe[title^="Simpan berkas"]')
    link = frame.locator("a#simpan")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("karantina-3310-")
    csv_text = Path(download.path()).read_text("utf-8")
    header, *rows = csv_text.splitlines()
    assert header.startswith("prr_id,") and rows
    assert room.one("SELECT count(*) FROM record WHERE state = 'quarantined'") == len(rows)

    # Nothing of it at a URL: the page references no /media file, and none was requested.
    html = page.content() + "".join(f.content() for f in page.frames[1:])
    referenced = set(re.findall(r"(?<![\w/.-])/media/[0-9A-Za-z._-]+", html)) | set(media)
    assert referenced == set(), referenced
    with httpx.Client(base_url=server, timeout=10) as visitor:  # no cookie, no session
        for path in referenced:
            assert visitor.get(path).status_code in (403, 404)

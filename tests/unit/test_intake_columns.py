"""The column-wise checks (intake.columns) give every row exactly what check_row gives it,
and the block reader (csvfile.iter_blocks) the same rows and cells as iter_rows."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cetak.regions import provinces
from intake.columns import ColumnChecker, check_block
from intake.csvfile import iter_blocks, iter_rows, parse_whole
from intake.nik import encode_nik
from intake.rules import FEED_COLUMNS, Reason, check_row

PROVINCES = provinces()
KLATEN = frozenset(f"33.10.{n:02d}" for n in range(1, 27))
EXAMPLES = settings(max_examples=150, deadline=None)


def valid_row(birth: date, female: bool, sequence: int, n: int) -> dict[str, str | None]:
    return {
        "prr_id": f"PRR-3310-{n:06d}",
        "nik": encode_nik("331001", birth, female=female, sequence=sequence),
        "nama": "Sumarsih Wulandari",
        "tempat_lahir": "Klaten",
        "tanggal_lahir": birth.isoformat(),
        "jenis_kelamin": "PEREMPUAN" if female else "LAKI-LAKI",
        "golongan_darah": "O",
        "alamat": "Jl. Pemuda No. 5",
        "rt": "003",
        "rw": "011",
        "kel_desa": "Tegalyoso",
        "kode_kecamatan": "33.10.24",
        "agama": "ISLAM",
        "status_perkawinan": "KAWIN",
        "pekerjaan": "PETANI/PEKEBUN",
        "kewarganegaraan": "WNI",
        "berlaku_hingga": "SEUMUR HIDUP",
        "jenis_permohonan": "BARU",
        "tanggal_rekam": "2026-10-01",
        "foto": f"foto/{n}.jpg",
    }


#: Values that break (or merely look unusual to) each rule: every bad-row kind of the spec.
ODD_TEXT = [
    "",
    "   ",
    " Klaten ",
    "x" * 41,
    "x" * 101,
    "Kla\x00ten",
    "Kla\nten",
    "Kla\tten",
    "Kla\x7ften",
    "Kla\u200bten",
    "Kláten",
    "克拉滕",
    "Klaten\u2028",
]
ODD: dict[str, list[str | None]] = {
    "prr_id": ["", "PRR 1", "PRR_1", "x" * 40, "x" * 41, "x" * 70, "PRR\x001", "PRRé", None],
    "nik": [
        "",
        "331001170590000",
        "33100117059000011",
        "3310011705900000",  # sequence 0000
        "9910011705900001",  # unknown province
        "3310010005900001",  # day 00
        "3310014005900001",  # day value 40
        "3310013202900001",  # 32 February
        "3310012902890001",  # 29 February, YY not a leap year
        "3310012902880001",  # 29 February, YY a leap year
        "3310011713900001",  # month 13
        "3310011705910001",  # another year
        "3310015705900001",  # female digits
        "331001170590000a",
        "３３10011705900001",
        "3310011705900001\n",
        None,
    ],
    "nama": [
        "",
        "Ana",
        "Ñoño D'Arcy",
        "محمد",
        "Siti 2",
        "'.-",
        "x" * 60,
        "x" * 61,
        "e\u0301",
        "An\x00a",
        "An\na",
        " Budi ",
        None,
    ],
    "tempat_lahir": [*ODD_TEXT, None],
    "tanggal_lahir": [
        "",
        "1990-5-17",
        "1990-02-30",
        "2000-02-29",
        "1900-02-29",
        "17-05-1990",
        "1990-05-17 ",
        "١٩٩٠-05-17",
        "2012-01-01",
        "0001-01-01",
        None,
    ],
    "jenis_kelamin": ["", "PEREMPUAN", "LAKI-LAKI", "perempuan", "L", None],
    "golongan_darah": ["", "A", "AB+", "O-", "-", "0", "C", "A+-", "ab", None],
    "alamat": [*ODD_TEXT, "x" * 100, None],
    "rt": ["", "1", "003", "0003", "1A", "٣", " 3", None],
    "rw": ["", "11", "011", "1111", "-1", None],
    "kel_desa": [*ODD_TEXT, None],
    "kode_kecamatan": ["", "33.10.01", "33.10.27", "3310.26", "33.11.01", "33-10-01", None],
    "agama": ["", "ISLAM", "islam", "KEPERCAYAAN TERHADAP TUHAN YME", "LAINNYA", None],
    "status_perkawinan": ["", "BELUM KAWIN", "KAWIN", "CERAI MATI", "kawin", None],
    "pekerjaan": [*ODD_TEXT, None],
    "kewarganegaraan": ["", "WNI", "WNA", "wna", None],
    "berlaku_hingga": ["", "SEUMUR HIDUP", "2030-01-01", "2030-02-30", "seumur hidup", None],
    "jenis_permohonan": ["", "BARU", "PERUBAHAN_DATA", "RUSAK", "HILANG", "baru", None],
    "tanggal_rekam": ["", "2026-10-01", "2026-13-01", "x", None],
    "foto": ["", "foto/a.jpg", "../x.jpg", "/etc/passwd", "a\x00b", None],
}


@st.composite
def rows(draw: st.DrawFn, n: int) -> dict[str, str | None]:
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)))
    female = draw(st.booleans())
    row = valid_row(birth, female, draw(st.integers(1, 9999)), n)
    for column in draw(st.lists(st.sampled_from(FEED_COLUMNS), max_size=3, unique=True)):
        row[column] = draw(st.sampled_from(ODD[column]))
    if draw(st.integers(0, 9)) == 0:
        row["kewarganegaraan"], row["berlaku_hingga"] = (
            "WNA",
            draw(st.sampled_from(["2030-01-01", "2030-02-30", "SEUMUR HIDUP"])),
        )
    return row


@st.composite
def blocks(draw: st.DrawFn) -> list[dict[str, str | None]]:
    size = draw(st.integers(1, 12))
    return [draw(rows(n)) for n in range(size)]


def columns_of(block: list[dict[str, str | None]]) -> list[list[str | None]]:
    return [[row[c] for row in block] for c in FEED_COLUMNS]


@EXAMPLES
@given(blocks())
def test_every_row_gets_what_check_row_gives_it(block: list[dict[str, str | None]]) -> None:
    checked = check_block(columns_of(block), kecamatan=KLATEN, provinces=PROVINCES)
    assert len(checked) == len(block)
    for i, row in enumerate(block):
        assert checked.row(i) == check_row(row, kecamatan=KLATEN, provinces=PROVINCES)
        assert [col[i] for col in checked.values] == list(checked.row(i).values.values())
        assert checked.birth[i] == checked.row(i).birth_date


@settings(max_examples=40, deadline=None)
@given(st.lists(blocks(), min_size=2, max_size=4))
def test_remembered_verdicts_carry_over_blocks(many: list[list[dict[str, str | None]]]) -> None:
    checker = ColumnChecker(kecamatan=KLATEN, provinces=PROVINCES)
    for block in many:
        checked = checker.check(columns_of(block))
        for i, row in enumerate(block):
            assert checked.row(i) == check_row(row, kecamatan=KLATEN, provinces=PROVINCES)


def test_every_reason_of_the_row_rules_is_reached() -> None:
    base = valid_row(date(1990, 5, 17), False, 1, 0)
    cases = {
        Reason.BAD_NIK_FORMAT: {"nik": "3310011705900000"},
        Reason.NIK_BIRTHDATE_MISMATCH: {"tanggal_lahir": "1990-05-18"},
        Reason.NIK_GENDER_MISMATCH: {"jenis_kelamin": "PEREMPUAN"},
        Reason.INVALID_FIELD: {"rt": "1A"},
        Reason.UNKNOWN_KECAMATAN: {"kode_kecamatan": "33.11.01"},
    }
    block = [base] + [{**base, **change} for change in cases.values()]
    checked = check_block(columns_of(block), kecamatan=KLATEN, provinces=PROVINCES)
    assert checked.row(0).reason is None and 0 not in checked.flagged
    assert [checked.row(i + 1).reason for i in range(len(cases))] == list(cases)


def test_a_block_needs_every_column() -> None:
    try:
        check_block([[]], kecamatan=KLATEN, provinces=PROVINCES)
    except ValueError:
        return
    raise AssertionError("a block without its columns was accepted")


# --- iter_blocks reads what iter_rows reads ------------------------------------------------

CSV_TEXTS = [
    "prr_id,nik\r\n",
    ",".join(FEED_COLUMNS) + "\r\n" + ",".join(f"v{i}" for i in range(20)) + "\r\n",
    "\ufeff"
    + ",".join(reversed(FEED_COLUMNS))
    + ",extra\n"
    + ",".join(f"v{i}" for i in range(21))
    + "\n\n"
    + "a,b\n"
    + '"x, y","multi\nline",'
    + ",".join("z" * 18)
    + "\n\n\n"
    + ",".join(f"w{i}" for i in range(25))
    + "\n",
    ",".join(FEED_COLUMNS) + ",nik\n" + ",".join(f"v{i}" for i in range(21)) + "\n",
]


def _csv_text(columns: list[str], body: list[list[str]]) -> str:
    quote = lambda v: '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v  # noqa: E731
    return "\r\n".join(",".join(map(quote, row)) for row in [columns, *body]) + "\r\n"


@EXAMPLES
@given(
    st.permutations(FEED_COLUMNS),
    st.lists(
        st.lists(st.text(alphabet='ab ,"\n\r-é', max_size=6), min_size=0, max_size=22),
        max_size=30,
    ),
    st.integers(1, 7),
)
def test_blocks_hold_the_rows_and_cells_of_iter_rows(
    header: list[str], body: list[list[str]], size: int
) -> None:
    data = _csv_text(list(header), body).encode()
    assert_same_rows(data, size)


def test_blocks_of_edge_case_files() -> None:
    for text in CSV_TEXTS[1:]:
        for size in (1, 2, 5):
            assert_same_rows(text.encode(), size)


def assert_same_rows(data: bytes, size: int) -> None:
    expected = [(n, [row[c] for c in FEED_COLUMNS]) for n, row in iter_rows(io.BytesIO(data))]
    got = []
    for first, columns in iter_blocks(io.BytesIO(data), size):
        count = len(columns[0])
        assert 0 < count <= size
        got += [(first + i, [col[i] for col in columns]) for i in range(count)]
    assert got == expected


def test_a_value_holding_a_newline_is_judged_by_its_rule() -> None:
    base = valid_row(date(1990, 5, 17), False, 1, 0)
    for column in ("prr_id", "nama", "tempat_lahir", "alamat", "rt", "kode_kecamatan"):
        block = [base, {**base, column: "Kla\nten"}]
        checked = check_block(columns_of(block), kecamatan=KLATEN, provinces=PROVINCES)
        for i, row in enumerate(block):
            assert checked.row(i) == check_row(row, kecamatan=KLATEN, provinces=PROVINCES)
        assert checked.row(1).reason is Reason.INVALID_FIELD


# --- parse_whole (pyarrow) reads what iter_rows reads, or declines ---------------------------

LINE_ENDS = ["\n", "\r\n", "\r"]


@EXAMPLES
@given(
    st.permutations([*FEED_COLUMNS, "extra"]),
    st.lists(
        st.one_of(
            st.lists(st.text(alphabet="ab -é\x00\t'", max_size=5), min_size=21, max_size=21),
            st.lists(st.text(alphabet="ab", max_size=3), min_size=0, max_size=23),  # ragged
        ),
        max_size=20,
    ),
    st.lists(st.sampled_from(LINE_ENDS), min_size=1, max_size=3),
    st.booleans(),
    st.booleans(),
    st.integers(1, 7),
)
def test_the_whole_file_parse_reads_what_iter_rows_reads_or_declines(
    header: list[str],
    body: list[list[str]],
    ends: list[str],
    bom: bool,
    quote: bool,
    size: int,
) -> None:
    lines = [",".join(row) for row in body]
    text = "".join(line + ends[i % len(ends)] for i, line in enumerate(lines))
    if quote:  # a quoted field somewhere in the rows (when there is an "a" to quote)
        text = text.replace("a", '"a"', 1)
        quote = '"' in text
    text = ",".join(header) + ends[-1] + text
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    expected = [(n, [row[c] for c in FEED_COLUMNS]) for n, row in iter_rows(io.BytesIO(data))]
    parsed = parse_whole(data, len(expected))
    if parsed is None:
        # Declined: a quote, a row of another width than the header.
        assert quote or any(len(row) != len(header) for row in body if row != [""])
        return
    assert not quote
    got = []
    for first, columns in parsed.blocks(size):
        count = len(columns[0])
        assert 0 < count <= size
        got += [(first + i, [col[i] for col in columns]) for i in range(count)]
    assert got == expected


def test_the_whole_file_parse_declines_a_count_other_than_the_scans() -> None:
    data = (",".join(FEED_COLUMNS) + "\n" + ",".join("x" * 20) + "\n").encode()
    assert parse_whole(data, 1) is not None
    assert parse_whole(data, 2) is None
    assert parse_whole(data.replace(b"x", b'"x"', 1), 1) is None

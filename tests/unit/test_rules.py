"""Record-level rules of the PRR feed (intake.rules): column checks and outcomes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cetak.regions import provinces
from intake.nik import encode_nik
from intake.rules import (
    FEED_COLUMNS,
    FREE_TEXT_COLUMNS,
    REASON_ORDER,
    Outcome,
    Reason,
    RowCheck,
    check_row,
    decide_outcome,
    is_held,
    seventeenth_birthday,
)

PROVINCES = provinces()
KLATEN = frozenset(f"33.10.{n:02d}" for n in range(1, 27))
TODAY = date(2026, 11, 22)
FAST = settings(max_examples=200, deadline=None)
BLOOD_GROUPS = ["A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "-"]
NAME = "Sumarsih Wulandari"


def make_row(
    *,
    birth: date = date(1990, 5, 17),
    female: bool = False,
    region: str = "331001",
    sequence: int = 1,
    **overrides: str | None,
) -> dict[str, str | None]:
    """A valid row; NIK, tanggal_lahir and jenis_kelamin agree unless overridden."""
    row: dict[str, str | None] = {
        "prr_id": "PRR-3310-20261122-0001-0001",
        "nik": encode_nik(region, birth, female=female, sequence=sequence),
        "nama": NAME,
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
        "foto": "foto/record.jpg",
    }
    row.update(overrides)
    return row


def check(row: dict[str, str | None]) -> RowCheck:
    return check_row(row, kecamatan=KLATEN, provinces=PROVINCES)


def decide(
    row: dict[str, str | None],
    *,
    photo_ok: bool = True,
    nik_rows_in_batch: int = 1,
    nik_waiting: bool = False,
    nik_printed: bool = False,
    today: date = TODAY,
) -> Outcome:
    return decide_outcome(
        check(row),
        photo_ok=photo_ok,
        nik_rows_in_batch=nik_rows_in_batch,
        nik_waiting=nik_waiting,
        nik_printed=nik_printed,
        today=today,
    )


def assert_valid(**overrides: str | None) -> None:
    result = check(make_row(**overrides))
    assert result.reason is None, result.detail
    assert result.invalid_columns == ()


def assert_invalid(column: str, **overrides: str | None) -> None:
    result = check(make_row(**overrides))
    assert result.reason is Reason.INVALID_FIELD
    assert result.invalid_columns == (column,)
    assert result.detail is not None and result.detail.startswith(f"kolom {column}: ")


# --- the interface ---------------------------------------------------------------------------


def test_feed_columns_follow_the_spec_table():
    assert len(FEED_COLUMNS) == 20 == len(set(FEED_COLUMNS))
    assert FEED_COLUMNS[:3] == ("prr_id", "nik", "nama")
    assert FEED_COLUMNS[-2:] == ("tanggal_rekam", "foto")
    assert FREE_TEXT_COLUMNS == {"nama", "tempat_lahir", "alamat", "kel_desa", "pekerjaan"}


def test_reason_codes_are_their_own_names_in_table_order():
    assert [r.value for r in REASON_ORDER] == [r.name for r in REASON_ORDER]
    assert [r.value for r in REASON_ORDER] == [
        "BAD_NIK_FORMAT",
        "NIK_BIRTHDATE_MISMATCH",
        "NIK_GENDER_MISMATCH",
        "INVALID_FIELD",
        "UNKNOWN_KECAMATAN",
        "MISSING_PHOTO",
        "DUPLICATE_NIK_IN_BATCH",
        "NIK_ALREADY_QUEUED",
        "NIK_ALREADY_PRINTED",
    ]


# --- values ----------------------------------------------------------------------------------


def test_a_valid_row_passes_with_its_birth_date():
    result = check(make_row())
    assert (result.reason, result.detail, result.invalid_columns) == (None, None, ())
    assert result.birth_date == date(1990, 5, 17)


def test_values_hold_every_column_with_missing_and_none_as_empty():
    row = make_row(foto=None)
    del row["alamat"]
    result = check(row)
    assert tuple(result.values) == FEED_COLUMNS
    assert result.values["foto"] == "" and result.values["alamat"] == ""


def test_free_text_is_trimmed_and_other_columns_are_kept_as_given():
    result = check(make_row(nama="  Sumarsih  ", alamat="\tJl. Pemuda\n", rt=" 003"))
    assert result.values["nama"] == "Sumarsih"
    assert result.values["alamat"] == "Jl. Pemuda"
    assert result.values["rt"] == " 003"
    assert result.invalid_columns == ("rt",)


def test_extra_columns_are_ignored():
    result = check({**make_row(), "catatan": "x" * 500, None: ["extra", "fields"]})  # type: ignore[dict-item]
    assert result.reason is None
    assert "catatan" not in result.values


def test_foto_is_not_checked_here():
    assert_valid(foto="")
    assert_valid(foto="../../etc/passwd")


# --- one test per reason ---------------------------------------------------------------------


def test_bad_nik_format():
    result = check(make_row(nik="331001170590001"))
    assert result.reason is Reason.BAD_NIK_FORMAT
    assert result.detail == "NIK harus tepat 16 angka"


@pytest.mark.parametrize(
    ("nik", "hint"),
    [
        ("9910011705900001", "provinsi"),
        ("3310011705900000", "0000"),
        ("3310013102900001", "kalender"),
    ],
)
def test_bad_nik_detail_says_which_part_is_wrong(nik, hint):
    result = check(make_row(nik=nik))
    assert result.reason is Reason.BAD_NIK_FORMAT
    assert result.detail is not None and hint in result.detail


@pytest.mark.parametrize("tanggal_lahir", ["1990-05-18", "1990-06-17", "1991-05-17", "1909-05-17"])
def test_nik_birthdate_mismatch(tanggal_lahir):
    result = check(make_row(tanggal_lahir=tanggal_lahir))
    assert result.reason is Reason.NIK_BIRTHDATE_MISMATCH
    assert result.birth_date == date.fromisoformat(tanggal_lahir)


def test_the_nik_century_is_not_compared():
    # Only the last two digits of the year are in the NIK.
    assert_valid(tanggal_lahir="1890-05-17")


@pytest.mark.parametrize(("female", "jenis_kelamin"), [(False, "PEREMPUAN"), (True, "LAKI-LAKI")])
def test_nik_gender_mismatch(female, jenis_kelamin):
    result = check(make_row(female=female, jenis_kelamin=jenis_kelamin))
    assert result.reason is Reason.NIK_GENDER_MISMATCH


def test_a_woman_with_day_plus_40_passes():
    result = check(make_row(birth=date(1995, 2, 1), female=True))
    assert result.values["nik"][6:8] == "41"
    assert result.reason is None


def test_invalid_field():
    assert_invalid("agama", agama="Islam")


def test_unknown_kecamatan():
    result = check(make_row(kode_kecamatan="33.20.01"))
    assert result.reason is Reason.UNKNOWN_KECAMATAN
    assert result.invalid_columns == ()
    assert result.detail == "kode kecamatan 33.20.01 bukan kecamatan kabupaten ini"


def test_missing_photo():
    outcome = decide(make_row(), photo_ok=False)
    assert (outcome.state, outcome.reason) == ("quarantined", Reason.MISSING_PHOTO)


def test_duplicate_nik_in_batch():
    outcome = decide(make_row(), nik_rows_in_batch=2)
    assert (outcome.state, outcome.reason) == ("quarantined", Reason.DUPLICATE_NIK_IN_BATCH)
    assert decide(make_row(), nik_rows_in_batch=1).state == "queued"


@pytest.mark.parametrize("jenis_permohonan", ["BARU", "RUSAK", "HILANG"])
def test_nik_already_queued(jenis_permohonan):
    outcome = decide(make_row(jenis_permohonan=jenis_permohonan), nik_waiting=True)
    assert (outcome.state, outcome.reason) == ("quarantined", Reason.NIK_ALREADY_QUEUED)
    assert outcome.supersedes is False


def test_nik_already_printed():
    outcome = decide(make_row(jenis_permohonan="BARU"), nik_printed=True)
    assert (outcome.state, outcome.reason) == ("quarantined", Reason.NIK_ALREADY_PRINTED)


@pytest.mark.parametrize("jenis_permohonan", ["RUSAK", "HILANG", "PERUBAHAN_DATA"])
def test_replacements_of_a_printed_card_are_queued(jenis_permohonan):
    outcome = decide(make_row(jenis_permohonan=jenis_permohonan), nik_printed=True)
    assert (outcome.state, outcome.reason, outcome.supersedes) == ("queued", None, False)


# --- order -----------------------------------------------------------------------------------

# One problem per reason, in table order: (reason, row overrides, decide_outcome arguments).
PROBLEMS = [
    (Reason.BAD_NIK_FORMAT, {"nik": "33100117059000"}, {}),
    (Reason.NIK_BIRTHDATE_MISMATCH, {"tanggal_lahir": "1990-05-18"}, {}),
    (Reason.NIK_GENDER_MISMATCH, {"jenis_kelamin": "PEREMPUAN"}, {}),
    (Reason.INVALID_FIELD, {"rt": "1234"}, {}),
    (Reason.UNKNOWN_KECAMATAN, {"kode_kecamatan": "35.26.01"}, {}),
    (Reason.MISSING_PHOTO, {}, {"photo_ok": False}),
    (Reason.DUPLICATE_NIK_IN_BATCH, {}, {"nik_rows_in_batch": 3}),
    (Reason.NIK_ALREADY_QUEUED, {}, {"nik_waiting": True}),
    (Reason.NIK_ALREADY_PRINTED, {}, {"nik_printed": True}),
]


@pytest.mark.parametrize("first", range(len(PROBLEMS)))
def test_first_reason_in_table_order_wins(first):
    assert tuple(reason for reason, _, _ in PROBLEMS) == REASON_ORDER
    overrides: dict = {}
    arguments: dict = {}
    for _, row_part, argument_part in PROBLEMS[first:]:
        overrides |= row_part
        arguments |= argument_part
    outcome = decide(make_row(**overrides), **arguments)
    assert (outcome.state, outcome.reason) == ("quarantined", PROBLEMS[first][0])


def test_invalid_columns_are_listed_even_when_an_earlier_reason_wins():
    result = check(make_row(nik="123", rt="", agama="islam", tanggal_lahir="17-05-1990"))
    assert result.reason is Reason.BAD_NIK_FORMAT
    assert result.invalid_columns == ("tanggal_lahir", "rt", "agama")
    assert result.birth_date is None


def test_invalid_field_detail_names_every_invalid_column():
    result = check(make_row(rt="1234", agama="islam"))
    assert result.detail is not None
    assert result.detail.startswith("kolom rt: harus 1-3 angka; kolom agama: nilai tidak dikenal")


def test_birthdate_comparison_is_skipped_when_tanggal_lahir_is_invalid():
    result = check(make_row(tanggal_lahir="1990-02-30"))
    assert result.reason is Reason.INVALID_FIELD
    assert result.invalid_columns == ("tanggal_lahir",)


def test_gender_comparison_is_skipped_when_jenis_kelamin_is_invalid():
    result = check(make_row(female=True, jenis_kelamin="L"))
    assert result.reason is Reason.INVALID_FIELD
    assert result.invalid_columns == ("jenis_kelamin",)


def test_nik_region_is_not_compared_with_kode_kecamatan():
    # Born and first registered in Sleman (34.04), now living in Klaten.
    assert_valid(region="340401", kode_kecamatan="33.10.05")


# --- column rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("prr_id", ["P", "A" * 40, "PRR-3310-20261122-0001-0001", "abc-XYZ-09"])
def test_prr_id_of_1_to_40_allowed_characters_is_valid(prr_id):
    assert_valid(prr_id=prr_id)


@pytest.mark.parametrize(
    "prr_id",
    ["", "A" * 41, "PRR_1", "PRR 1", " PRR-1", "PRR-1\n", "PRR-é", "ＰＲＲ1", "\ufeffPRR-1"],
)
def test_prr_id_otherwise_is_invalid(prr_id):
    assert_invalid("prr_id", prr_id=prr_id)


@pytest.mark.parametrize(
    "nama",
    [
        "Paijo",  # single-word names are normal
        "Ni Luh Putu Ayu-Sari",
        "Muh. Ali, S.Pd.",
        "O'Brien",
        "A" * 60,
        "  " + "A" * 60 + "\t ",  # trimmed before the length check
        "محمد علي",
        "مُحَمَّد",  # Arabic with vowel marks (combining)
        "王小明",
        "अनिल कुमार",  # Devanagari, with combining vowel signs
        "ꦱꦸꦏꦂꦤꦺ",  # Javanese script
        "Ἀλέξανδρος",
        "Jose\u0301",  # decomposed accent
    ],
)
def test_nama_of_letters_in_any_script_is_valid(nama):
    assert_valid(nama=nama)


@pytest.mark.parametrize(
    "nama",
    ["", "   ", "A" * 61, "Budi2", "Budi_Santoso", "Budi@Santoso", "Budi\tSantoso", "😀", "---",
     "\ufeffBudi"],
)  # fmt: skip
def test_nama_otherwise_is_invalid(nama):
    assert_invalid("nama", nama=nama)


@pytest.mark.parametrize(
    ("column", "limit"),
    [("tempat_lahir", 40), ("kel_desa", 40), ("pekerjaan", 40), ("alamat", 100)],
)
def test_free_text_length_limits(column, limit):
    assert_valid(**{column: "x"})
    assert_valid(**{column: "x" * limit})
    assert_valid(**{column: " " + "x" * limit + " "})
    assert_invalid(column, **{column: "x" * (limit + 1)})
    assert_invalid(column, **{column: ""})
    assert_invalid(column, **{column: " \t "})


@pytest.mark.parametrize("alamat", ["Jl. Pemuda\x005", "Jl. Pemuda\n5", "Jl.\u2028Pemuda"])
def test_free_text_with_control_characters_is_invalid(alamat):
    assert_invalid("alamat", alamat=alamat)


@pytest.mark.parametrize("tempat_lahir", ["Yogyakarta", "Den Haag", "Tōkyō", "São Paulo, BR"])
def test_free_text_keeps_the_residents_spelling(tempat_lahir):
    assert_valid(tempat_lahir=tempat_lahir)


@pytest.mark.parametrize(
    "value",
    ["", "1990-5-17", "17-05-1990", "1990/05/17", "19900517", "1990-05-17T00:00", "1990-05-17 ",
     "1990-02-30", "1990-13-01", "0000-05-17", "١٩٩٠-٠٥-١٧", "\ufeff1990-05-17"],
)  # fmt: skip
@pytest.mark.parametrize("column", ["tanggal_lahir", "tanggal_rekam"])
def test_dates_must_be_real_and_strictly_yyyy_mm_dd(column, value):
    assert_invalid(column, **{column: value})


@pytest.mark.parametrize("value", ["", "L", "P", "laki-laki", "Perempuan", " PEREMPUAN", "PRIA"])
def test_jenis_kelamin_is_one_of_two_upper_case_values(value):
    assert_invalid("jenis_kelamin", jenis_kelamin=value)


@pytest.mark.parametrize("golongan_darah", BLOOD_GROUPS)
def test_golongan_darah_variants_are_valid(golongan_darah):
    assert_valid(golongan_darah=golongan_darah)


@pytest.mark.parametrize("golongan_darah", ["", "a", "AB +", "C", "O+-", "+", "BA", "0", " O"])
def test_golongan_darah_otherwise_is_invalid(golongan_darah):
    assert_invalid("golongan_darah", golongan_darah=golongan_darah)


@pytest.mark.parametrize("value", ["1", "03", "003", "999", "000"])
@pytest.mark.parametrize("column", ["rt", "rw"])
def test_rt_rw_of_1_to_3_digits_are_valid(column, value):
    assert_valid(**{column: value})


@pytest.mark.parametrize("value", ["", "0003", "1a", "٣", "３", " 3", "3 ", "-1", "1.0"])
@pytest.mark.parametrize("column", ["rt", "rw"])
def test_rt_rw_otherwise_are_invalid(column, value):
    assert_invalid(column, **{column: value})


@pytest.mark.parametrize(
    "kode", ["", "33.10.1", "3310.01", "33-10-01", "331001", "33.10.01 ", "٣٣.١٠.٠١", "33.10.001"]
)
def test_kode_kecamatan_not_shaped_pp_kk_cc_is_invalid_field(kode):
    assert_invalid("kode_kecamatan", kode_kecamatan=kode)


@pytest.mark.parametrize("kode", ["33.10.00", "33.10.27", "33.20.01", "00.00.00"])
def test_well_shaped_kode_kecamatan_outside_the_regency_is_unknown(kode):
    assert check(make_row(kode_kecamatan=kode)).reason is Reason.UNKNOWN_KECAMATAN


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("agama", ["ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA", "KHONGHUCU",
                   "KEPERCAYAAN TERHADAP TUHAN YME"]),
        ("status_perkawinan", ["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"]),
        ("jenis_permohonan", ["BARU", "PERUBAHAN_DATA", "RUSAK", "HILANG"]),
    ],
)  # fmt: skip
def test_enumerated_values_are_valid(column, values):
    for value in values:
        assert_valid(**{column: value})


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("agama", "Islam"),
        ("agama", "KEPERCAYAAN"),
        ("agama", "ISLAM "),
        ("agama", "\ufeffISLAM"),
        ("status_perkawinan", "belum kawin"),
        ("status_perkawinan", "BELUM_KAWIN"),
        ("jenis_permohonan", "PERUBAHAN DATA"),
        ("jenis_permohonan", "baru"),
        ("kewarganegaraan", "wni"),
        ("kewarganegaraan", "INDONESIA"),
    ],
)
def test_enumerated_values_match_exactly_in_upper_case(column, value):
    assert_invalid(column, **{column: value})


def test_wni_card_is_valid_for_life():
    assert_invalid("berlaku_hingga", berlaku_hingga="2031-05-17")
    assert_invalid("berlaku_hingga", berlaku_hingga="seumur hidup")


def test_wna_with_a_date():
    assert_valid(kewarganegaraan="WNA", berlaku_hingga="2031-05-17")
    assert_invalid("berlaku_hingga", kewarganegaraan="WNA", berlaku_hingga="SEUMUR HIDUP")
    assert_invalid("berlaku_hingga", kewarganegaraan="WNA", berlaku_hingga="2031-02-30")
    assert_invalid("berlaku_hingga", kewarganegaraan="WNA", berlaku_hingga="")


def test_berlaku_hingga_is_not_judged_when_kewarganegaraan_is_invalid():
    assert_invalid("kewarganegaraan", kewarganegaraan="", berlaku_hingga="")


# --- details are safe to log -----------------------------------------------------------------


@pytest.mark.parametrize("first", range(len(PROBLEMS)))
def test_details_never_carry_the_nik_or_the_name(first):
    _, row_part, arguments = PROBLEMS[first]
    row = make_row(**row_part)
    outcome = decide(row, **arguments)
    assert outcome.detail
    assert str(row["nik"]) not in outcome.detail and NAME not in outcome.detail
    assert "Sumarsih" not in outcome.detail


# --- held, queued, superseding ---------------------------------------------------------------


def test_an_adult_is_queued():
    outcome = decide(make_row())
    assert outcome == Outcome("queued", None, None, release_on=None, supersedes=False)


def test_under_17_and_belum_kawin_is_held_until_the_17th_birthday():
    row = make_row(birth=date(2010, 6, 1), status_perkawinan="BELUM KAWIN")
    assert decide(row) == Outcome("held", None, None, release_on=date(2027, 6, 1), supersedes=False)


@pytest.mark.parametrize("status", ["KAWIN", "CERAI HIDUP", "CERAI MATI"])
def test_under_17_but_ever_married_is_queued(status):
    assert decide(make_row(birth=date(2010, 6, 1), status_perkawinan=status)).state == "queued"


def test_turning_17_today_is_queued_and_the_day_before_is_held():
    assert decide(make_row(birth=date(2009, 11, 22), status_perkawinan="BELUM KAWIN")).state == (
        "queued"
    )
    held = decide(make_row(birth=date(2009, 11, 23), status_perkawinan="BELUM KAWIN"))
    assert (held.state, held.release_on) == ("held", date(2026, 11, 23))


def test_seventeenth_birthday_is_the_same_day_17_years_later():
    assert seventeenth_birthday(date(2000, 1, 15)) == date(2017, 1, 15)


def test_29_february_birthday_turns_17_on_1_march():
    assert seventeenth_birthday(date(2008, 2, 29)) == date(2025, 3, 1)
    assert is_held(date(2008, 2, 29), "BELUM KAWIN", date(2025, 2, 28))
    assert not is_held(date(2008, 2, 29), "BELUM KAWIN", date(2025, 3, 1))
    row = make_row(birth=date(2012, 2, 29), status_perkawinan="BELUM KAWIN")
    assert decide(row, today=date(2029, 2, 28)).release_on == date(2029, 3, 1)


def test_a_birth_date_near_year_9999_does_not_overflow():
    assert seventeenth_birthday(date(9990, 1, 1)) == date.max
    row = make_row(birth=date(9999, 12, 31), status_perkawinan="BELUM KAWIN")
    assert decide(row).state == "held"


def test_held_applies_only_to_a_row_without_a_quarantine_reason():
    row = make_row(birth=date(2010, 6, 1), status_perkawinan="BELUM KAWIN")
    outcome = decide(row, photo_ok=False)
    assert (outcome.state, outcome.release_on) == ("quarantined", None)


def test_perubahan_data_for_a_waiting_nik_supersedes():
    outcome = decide(make_row(jenis_permohonan="PERUBAHAN_DATA"), nik_waiting=True)
    assert outcome == Outcome("queued", None, None, release_on=None, supersedes=True)


def test_perubahan_data_superseding_a_held_record_may_be_held_itself():
    row = make_row(
        birth=date(2010, 6, 1), status_perkawinan="BELUM KAWIN", jenis_permohonan="PERUBAHAN_DATA"
    )
    outcome = decide(row, nik_waiting=True)
    assert (outcome.state, outcome.release_on, outcome.supersedes) == (
        "held",
        date(2027, 6, 1),
        True,
    )


def test_perubahan_data_without_a_waiting_record_supersedes_nothing():
    outcome = decide(make_row(jenis_permohonan="PERUBAHAN_DATA"))
    assert (outcome.state, outcome.supersedes) == ("queued", False)


@pytest.mark.parametrize(
    ("overrides", "arguments"),
    [
        ({}, {"photo_ok": False}),
        ({"rt": "1234"}, {}),
        ({"tanggal_lahir": "1990-05-18"}, {}),
        ({}, {"nik_rows_in_batch": 2}),
    ],
)
def test_a_quarantined_perubahan_data_row_does_not_supersede(overrides, arguments):
    row = make_row(jenis_permohonan="PERUBAHAN_DATA", **overrides)
    outcome = decide(row, nik_waiting=True, **arguments)
    assert (outcome.state, outcome.supersedes) == ("quarantined", False)


def test_baru_and_perubahan_data_for_one_nik_in_one_batch_are_both_quarantined():
    for kind in ("BARU", "PERUBAHAN_DATA"):
        outcome = decide(make_row(jenis_permohonan=kind), nik_rows_in_batch=2, nik_waiting=True)
        assert outcome.reason is Reason.DUPLICATE_NIK_IN_BATCH


# --- properties ------------------------------------------------------------------------------

ANY_VALUE = st.none() | st.text() | st.text(st.characters(codec="ascii"), max_size=20)


@FAST
@given(st.dictionaries(st.sampled_from(FEED_COLUMNS) | st.text(max_size=8), ANY_VALUE))
def test_check_row_never_raises_on_any_mapping(raw):
    result = check_row(raw, kecamatan=KLATEN, provinces=PROVINCES)
    assert tuple(result.values) == FEED_COLUMNS
    assert all(isinstance(value, str) for value in result.values.values())
    assert (result.reason is None) == (result.detail is None)


@FAST
@given(
    overrides=st.dictionaries(st.sampled_from(FEED_COLUMNS), ANY_VALUE),
    missing=st.sets(st.sampled_from(FEED_COLUMNS)),
    facts=st.tuples(st.booleans(), st.integers(0, 3), st.booleans(), st.booleans()),
    today=st.dates(),
)
def test_check_row_and_decide_outcome_never_raise_on_damaged_rows(overrides, missing, facts, today):
    row = make_row(**overrides)
    for column in missing:
        del row[column]
    result = check(row)
    if result.reason is None:
        assert result.invalid_columns == () and result.birth_date is not None
    if result.reason is Reason.INVALID_FIELD:
        assert result.invalid_columns
    photo_ok, rows, waiting, printed = facts
    outcome = decide_outcome(
        result,
        photo_ok=photo_ok,
        nik_rows_in_batch=rows,
        nik_waiting=waiting,
        nik_printed=printed,
        today=today,
    )
    assert (outcome.state == "quarantined") == (outcome.reason is not None)
    assert outcome.supersedes is False or outcome.state != "quarantined"


@FAST
@given(
    overrides=st.dictionaries(
        st.sampled_from([c for c in FEED_COLUMNS if c not in ("nik", "nama")]), ANY_VALUE
    )
)
def test_details_never_carry_the_nik_or_the_name_whatever_else_is_wrong(overrides):
    row = make_row(**overrides)
    detail = check(row).detail or ""
    assert str(row["nik"]) not in detail and NAME not in detail


def test_huge_values_are_refused_not_choked_on():
    for filler in ("x" * 1_000_000, "٣" * 1_000_000, "\x00" * 1_000_000):
        result = check({column: filler for column in FEED_COLUMNS})
        assert result.reason is Reason.BAD_NIK_FORMAT
        assert "nama" in result.invalid_columns and "alamat" in result.invalid_columns


def _digits(size: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=size, max_size=size)


def _free_text(limit: int) -> st.SearchStrategy[str]:
    printable = st.characters(exclude_categories=("C", "Zl", "Zp"))
    padding = st.sampled_from(["", " ", " \t"])
    text = st.text(printable, min_size=1, max_size=limit).filter(lambda s: s.strip() != "")
    return st.tuples(padding, text, padding).map("".join)


_WORDS = st.text(st.characters(categories=("Lu", "Ll", "Lo")), min_size=1, max_size=12)
_SEPARATORS = st.sampled_from([" ", "-", "'", ". ", ", "])
_NAMES = st.tuples(_WORDS, st.lists(st.tuples(_SEPARATORS, _WORDS), max_size=4)).map(
    lambda parts: (parts[0] + "".join(sep + word for sep, word in parts[1])).strip()[:60]
)


@st.composite
def valid_rows(draw: st.DrawFn) -> dict[str, str | None]:
    wna = draw(st.booleans())
    return make_row(
        birth=draw(st.dates(date(1900, 1, 1), TODAY)),
        female=draw(st.booleans()),
        region=draw(st.sampled_from(sorted(PROVINCES))) + draw(_digits(4)),
        sequence=draw(st.integers(1, 9999)),
        prr_id=draw(st.from_regex(r"[A-Za-z0-9-]{1,40}", fullmatch=True)),
        nama=draw(_NAMES),
        tempat_lahir=draw(_free_text(40)),
        golongan_darah=draw(st.sampled_from(BLOOD_GROUPS)),
        alamat=draw(_free_text(100)),
        rt=draw(st.from_regex(r"[0-9]{1,3}", fullmatch=True)),
        rw=draw(st.from_regex(r"[0-9]{1,3}", fullmatch=True)),
        kel_desa=draw(_free_text(40)),
        kode_kecamatan=draw(st.sampled_from(sorted(KLATEN))),
        agama=draw(st.sampled_from(["ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA"])),
        status_perkawinan=draw(st.sampled_from(["BELUM KAWIN", "KAWIN", "CERAI HIDUP"])),
        pekerjaan=draw(_free_text(40)),
        kewarganegaraan="WNA" if wna else "WNI",
        berlaku_hingga=draw(st.dates()).isoformat() if wna else "SEUMUR HIDUP",
        jenis_permohonan=draw(st.sampled_from(["BARU", "PERUBAHAN_DATA", "RUSAK", "HILANG"])),
        tanggal_rekam=draw(st.dates(date(2011, 1, 1), TODAY)).isoformat(),
    )


@FAST
@given(valid_rows())
def test_a_row_built_from_valid_parts_is_never_quarantined(row):
    result = check(row)
    assert result.reason is None, result.detail
    assert decide(row).state in ("queued", "held")

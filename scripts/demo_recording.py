"""The recording part of ``make demo`` (issue 14): Klaten's recording devices as the press
reported them in September 2016 (five of 26 kecamatan could not record: Cawas, Bayat,
Gantiwarno, Ceper and Juwiring; residents were sent to Trucuk, Pedan or the Disdukcapil),
wajib KTP and recording reports for all 26 kecamatan, the regency's distance table and
two flash-disk deliveries, entered through the same use cases and files staff use.

The figures are synthetic (seeded); the files are written under $CETAK_HOME/impor/ and
imported from there, as an office would import the regency's own files.
"""

from __future__ import annotations

import random
from datetime import timedelta

from application import recording as rec
from cetak.db import engine_from_settings
from cetak.installation import load_installation
from cetak.settings import get_settings

ACTOR = "cli:demo"

#: Klaten, September 2016 (DOMAIN.md): the five kecamatan that could not record, and why.
BROKEN = {
    "33.10.14": ("petir", "alat tersambar petir"),  # Juwiring
    "33.10.04": ("lupa_kata_sandi", "operator lupa kata sandi, akun terkunci"),  # Bayat
    "33.10.05": ("perangkat_keras", "rusak sejak dua tahun lalu"),  # Cawas
    "33.10.02": ("lainnya", "penyebab belum dilaporkan kecamatan"),  # Gantiwarno
    "33.10.11": ("listrik_lemah", "daya listrik kantor tidak cukup"),  # Ceper
}

#: The regency's distance table (km, synthetic but in the right order of magnitude).
DISTANCES = [
    ("Juwiring", "Pedan", 8.5),
    ("Juwiring", "Trucuk", 14),
    ("Juwiring", "DISDUKCAPIL", 17),
    ("Bayat", "Trucuk", 9),
    ("Bayat", "DISDUKCAPIL", 16),
    ("Cawas", "Trucuk", 7.5),
    ("Cawas", "Pedan", 9),
    ("Cawas", "DISDUKCAPIL", 21),
    ("Gantiwarno", "Wedi", 6),
    ("Gantiwarno", "DISDUKCAPIL", 14),
    ("Ceper", "Pedan", 4),
    ("Ceper", "DISDUKCAPIL", 9),
]


def main() -> None:
    settings = get_settings()
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    today = served.today()
    rng = random.Random(2016)
    folder = settings.resolved_home / "impor"
    folder.mkdir(parents=True, exist_ok=True)

    for i, kode in enumerate(sorted(served.kecamatan), start=1):
        rec.add_device(engine, ACTOR, f"ALAT-{kode[-2:]}-01", kode, 2011 + i % 10)
    for i in range(1, 4):
        rec.add_device(engine, ACTOR, f"ALAT-DINAS-0{i}", "disdukcapil", 2020)
    rec.add_device(engine, ACTOR, "ALAT-JB-01", "jemput-bola", 2020)
    for kode, (cause, note) in BROKEN.items():
        rec.device_broken(engine, ACTOR, f"ALAT-{kode[-2:]}-01", cause, note)
    rec.device_repairing(engine, ACTOR, "ALAT-05-01", "pusat", today - timedelta(days=3))
    rec.device_repairing(engine, ACTOR, "ALAT-14-01", "vendor")

    semester = f"{today.year}-{1 if today.month <= 6 else 2}"
    wajib: dict[str, int] = {}
    lines = ["kode_kecamatan,semester,wajib_ktp"]
    for kode in sorted(served.kecamatan):
        wajib[kode] = rng.randrange(28_000, 62_000)
        lines.append(f"{kode},{semester},{wajib[kode]}")
    targets = folder / f"wajib-ktp-{semester}.csv"
    targets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rec.import_targets(engine, ACTOR, targets)

    start = today - timedelta(days=14)
    lines = ["kode_kecamatan,tanggal,jumlah_rekam"]
    for kode in sorted(served.kecamatan):
        share = rng.uniform(0.62, 0.78) if kode in BROKEN else rng.uniform(0.86, 0.99)
        lines.append(f"{kode},{start.isoformat()},{int(wajib[kode] * share)}")
    totals = folder / f"rekam-kumulatif-{start:%Y%m%d}.csv"
    totals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rec.import_recordings(engine, ACTOR, totals, kumulatif=True)

    lines = ["kode_kecamatan,tanggal,jumlah_rekam"]
    for day in range(1, 14):
        when = start + timedelta(days=day)
        if when.weekday() >= 5:
            continue
        for kode in sorted(served.kecamatan):
            if kode not in BROKEN:
                lines.append(f"{kode},{when.isoformat()},{rng.randrange(5, 40)}")
    daily = folder / f"rekam-harian-{today:%Y%m%d}.csv"
    daily.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rec.import_recordings(engine, ACTOR, daily)

    table = folder / "jarak-kecamatan.csv"
    table.write_text(
        "dari,ke,km\n"
        + "".join(f'{a},{b},"{str(km).replace(".", ",")}"\n' for a, b, km in DISTANCES),
        encoding="utf-8",
    )
    rec.import_distances(engine, ACTOR, table)

    first = rec.flashdisk_received(
        engine,
        ACTOR,
        kecamatan="Bayat",
        jumlah=57,
        carried_by="Operator Kec. Bayat",
        received_by="Petugas perekaman Disdukcapil",
        recorded_from=today - timedelta(days=6),
        recorded_to=today - timedelta(days=2),
        note="rekaman jemput bola di desa, jaringan kecamatan putus",
    )
    rec.flashdisk_received(
        engine,
        ACTOR,
        kecamatan="Cawas",
        jumlah=23,
        carried_by="Operator Kec. Cawas",
        received_by="Petugas perekaman Disdukcapil",
    )
    assert first.id is not None
    rec.flashdisk_sent(engine, ACTOR, first.id)

    report = rec.coverage_report(engine, settings, today.replace(day=1))
    letter = rec.device_letter(engine, settings)
    notice = rec.recording_notice(engine, settings)
    closed = [k.kecamatan for k in rec.kecamatan_devices(engine) if not k.can_record]
    print(f"... perekaman: {len(closed)} kecamatan tidak dapat merekam: {', '.join(closed)}")
    print(f"... {report.name}, surat ke pusat {letter.name}, pengumuman {notice.name}")


if __name__ == "__main__":
    main()

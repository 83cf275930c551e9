"""Who lives where, for the synthetic PRR feed (``intake.demofeed``): word lists and the
small amount of regional knowledge built on them (``Place``, ``person_name``).

Every person generated from these lists is fictional: names are drawn and combined at
random. The lists follow naming habits by region and generation: one-word names are
common among older Javanese, Madurese and Malay residents, while people born since the
1990s mostly carry two or three names. Text is upper case, as central's records are.
"""

from __future__ import annotations

import random
from itertools import accumulate

from cetak.regions import Regency, shipped_regencies

# --- names by ethnic profile ------------------------------------------------------------
# single_*: one-word names (mostly older generations); old_* + last_*: two-word names of
# people born before about 1990; new_* + newlast_*: names popular since the 1990s.

PROFILES: dict[str, dict[str, tuple[str, ...]]] = {
    "jawa": {
        "single_m": (
            "SUPARMAN", "SUKIMAN", "TUKIJO", "PAIJO", "SUTARNO", "SUMARNO", "PARIYO",
            "WAGIMAN", "SLAMET", "SURATNO", "KASMIN", "SUKIRNO", "MARIDI", "SUGIYONO",
            "GIYANTO", "SAIMIN", "NGADIMIN", "TARDI", "PARDIMIN", "KARTONO", "SUWARDI",
            "JUMADI", "SARIDI", "SUPRAPTO", "SUHARNO", "WARSITO", "SUTRISNO", "MULYONO",
            "HARJONO", "DARMADI", "PAIMIN", "WALUYO", "SUYATNO", "PURWANTO", "TRIYONO",
        ),
        "single_f": (
            "PAINEM", "SUMIYATI", "TUKINEM", "WAGIYEM", "NGATIYEM", "SUPARMI", "SARINAH",
            "SUMINAH", "PARTINAH", "SUKINEM", "JUMINAH", "KASIYEM", "SUWARNI", "SUGIYEM",
            "TUMINI", "WARSINI", "SUNARTI", "SRIYATUN", "LASMI", "MARYATI", "SUYATMI",
            "PONIYEM", "SAMIYEM", "RUBIYEM", "WALIYEM", "TUGIYEM", "KARSIYEM", "WARTINAH",
            "SUKARNI", "TRIYANI", "SUPARTINI", "MURYANI",
        ),
        "old_m": (
            "AGUS", "BUDI", "EKO", "DWI", "JOKO", "BAMBANG", "HERU", "ARIF", "TRI", "WAHYU",
            "BAYU", "TEGUH", "SIGIT", "SLAMET", "ANTON", "ADI", "DEDI", "RUDI", "IWAN",
            "HARI", "DANANG", "ARIS", "YUDI", "HENDRA", "ARI", "NUR", "MUHAMMAD", "AHMAD",
            "SUGENG", "ENDRO",
        ),
        "last_m": (
            "SANTOSO", "SETIAWAN", "PRASETYO", "WIBOWO", "NUGROHO", "SUSANTO", "HIDAYAT",
            "KURNIAWAN", "PURNOMO", "SUSILO", "HARYANTO", "WIDODO", "SUPRIYADI", "RAHARJO",
            "SUGIARTO", "WALUYO", "PRIYANTO", "SETIYAWAN", "WIJAYA", "HARTONO", "SULISTYO",
            "PAMUNGKAS", "SAPUTRO", "UTOMO", "ARIYANTO", "MULYADI", "SUPRIYANTO",
            "HARIYADI", "KUSUMA", "NUGRAHA",
        ),
        "old_f": (
            "SRI", "SITI", "DWI", "ENDANG", "TRI", "NUR", "RINI", "DEWI", "ENI", "YULI",
            "SUSI", "ANI", "LILIK", "ERNI", "RETNO", "TUTIK", "WIWIK", "ATIK", "NINING",
            "ISTI", "ANIK", "ENDAH", "YUNI", "TITIK",
        ),
        "last_f": (
            "RAHAYU", "WAHYUNI", "LESTARI", "WULANDARI", "HANDAYANI", "PURWANTI", "SUSANTI",
            "HARTATI", "SUPRIYATI", "MULYANI", "SUSILOWATI", "WIDAYATI", "ASTUTI",
            "RAHMAWATI", "NINGSIH", "SETYOWATI", "YULIANI", "PRATIWI", "KURNIASIH",
            "SULISTYOWATI", "UTAMI", "FATIMAH", "AMINAH", "KHASANAH", "MUNAWAROH", "ROHMAH",
        ),
        "new_m": (
            "DIMAS", "RIZKY", "ADITYA", "FAJAR", "BAGAS", "RAFI", "ILHAM", "ARYA", "DAFFA",
            "FARHAN", "YOGA", "GILANG", "RANGGA", "NAUFAL", "ALIF", "HAFIDZ", "KEVIN",
            "MUHAMMAD", "AHMAD", "RIZAL", "FIKRI", "REZA", "ANDIKA", "WISNU", "GALIH",
            "DANU", "BIMA", "SATRIA", "ADI", "BAYU", "PUTRA", "AJI",
        ),
        "newlast_m": (
            "PRATAMA", "SAPUTRA", "NUGROHO", "SETIAWAN", "PRASETYO", "RAMADHAN",
            "FIRMANSYAH", "KURNIAWAN", "HIDAYAT", "WICAKSONO", "MAULANA", "SANTOSO",
            "PAMUNGKAS", "ARDIANSYAH", "SYAHPUTRA", "NUGRAHA", "WIBOWO", "ANGGORO",
        ),
        "new_f": (
            "NOVITA", "AYU", "PUTRI", "NABILA", "DINDA", "AULIA", "SALSABILA", "ANISA",
            "DEVI", "INDAH", "FITRI", "RATNA", "NADIA", "KHOIRUNNISA", "TIARA", "AMELIA",
            "SITI", "NUR", "DWI", "ZAHRA", "REGITA", "ALYA", "KEISHA", "SHINTA", "DIAH",
            "RARAS", "ANGGITA", "SARI", "KURNIA",
        ),
        "newlast_f": (
            "LESTARI", "RAMADHANI", "PERMATASARI", "SAPUTRI", "WULANDARI", "PRATIWI",
            "RAHMAWATI", "MAHARANI", "KURNIAWATI", "AMALIA", "PUSPITASARI", "SETYANINGRUM",
            "ANGGRAINI", "NURHALIZA", "AZZAHRA", "FEBRIANTI", "OKTAVIANI", "ASTUTI",
            "UTAMI", "NINGRUM", "HANDAYANI",
        ),
    },
    "madura": {
        "single_m": (
            "MATRAWI", "MARSUKI", "HOSNAN", "SUHAIMI", "SAMSUL", "MATRASID", "SUKRI",
            "MATNAWI", "JUMALI", "SAHRAWI", "MISNADI", "BUSRO", "KHOLIL", "MAHFUD",
            "RASIDI", "JUHRI", "SAMAIL", "SAHRONI", "MARZUKI", "MOKHTAR",
        ),
        "single_f": (
            "MARFUAH", "HOSNIYAH", "SUNIYAH", "MAISAROH", "RUKAYYAH", "MUTMAINNAH",
            "SALAMAH", "HALIMAH", "HAMIDAH", "MUNAWAROH", "SUMIATI", "FATIMAH", "JUMAIYAH",
            "SAHRIYAH", "MUSLIHAH", "SITTI", "NAFISAH", "ASIYAH", "KHOTIJAH", "ROMLAH",
        ),
        "old_m": (
            "MOH.", "ABD.", "ACH.", "AHMAD", "MOHAMMAD", "MUHAMMAD", "SYAIFUL", "IMAM",
            "ZAINAL", "ABDUL",
        ),
        "last_m": (
            "HOLIL", "ROSYID", "FAQIH", "HASAN", "FAUZI", "ROFIQ", "SYAFI'I", "ZAINURI",
            "BAIDAWI", "MANSUR", "HANNAN", "RIDWAN", "TAUFIQ", "MAHMUD", "SUHRAWI",
            "ARIFIN", "JAILANI", "MUNIR", "SAMSURI", "QOMARUDDIN",
        ),
        "old_f": ("SITI", "NUR", "UMMI", "SITTI", "LAILATUL", "FATIMATUS", "NURUL", "AINUN"),
        "last_f": (
            "AMINAH", "HOLIFAH", "ZUHRIYAH", "MAIMUNAH", "FAIZAH", "KHOTIJAH", "ROFIAH",
            "MASRUROH", "HASANAH", "NAFISAH", "ZAHROH", "LAILIYAH", "MUFIDAH", "ULFAH",
        ),
        "new_m": (
            "MOH.", "ACH.", "MUHAMMAD", "FAHMI", "RIZAL", "FAIZ", "ZAKI", "HAFIDZ", "ALFIN",
            "IQBAL", "RIFQI", "NAUFAL", "FIRDAUS", "ILHAM", "SYAHRUL",
        ),
        "newlast_m": (
            "FAUZAN", "MAULANA", "ROMADHONI", "FIRMANSYAH", "HIDAYATULLAH", "ALFARIZI",
            "RAMADHAN", "SAPUTRA", "ARIFIN", "RIZQI", "ZAINULLAH", "HAKIM",
        ),
        "new_f": (
            "NUR", "SITI", "AINUR", "FITRIYAH", "NABILA", "ULFATUL", "LAILATUL", "AISYAH",
            "ZAHROTUL", "DEWI", "ANIS", "RIZKA", "NAILA", "FAIZATUL",
        ),
        "newlast_f": (
            "ROHMAH", "JANNAH", "HASANAH", "MAGHFIROH", "FITRIYAH", "QOMARIYAH",
            "KHOIRIYAH", "MUFIDAH", "AZIZAH", "ZAHRA", "NABILAH", "ULYA",
        ),
    },
    "melayu": {
        "single_m": (
            "ZULKIFLI", "SYAFRUDDIN", "ARMAN", "JASMAN", "ZAINAL", "NASRUL", "SYAHRIAL",
            "AZWAR", "YUSMAN", "MASRUL", "ASRIL", "JONI", "DARMAWAN", "ERIZAL", "HENDRI",
            "YUSRIZAL", "BAHARUDDIN", "SAFRIZAL", "ZULFAHMI", "MUKHLIS",
        ),
        "single_f": (
            "NURHAYATI", "ROSMANIAR", "YUSNIDAR", "ASMIDAR", "NURLELA", "ZURAIDA",
            "ERNAWATI", "YUSNIAR", "ROSNIATI", "SURYANI", "ASNIDAR", "DARMAWATI", "ELMIATI",
            "YENTI", "NURBAITI", "ROSMAWATI", "ZAHARA", "ARNIS", "ERLINA", "SYAMSIAR",
        ),
        "old_m": (
            "M.", "MUHAMMAD", "ABDUL", "DEDI", "RAHMAT", "ANDI", "SYAFRI", "ZUL", "HENDRA",
            "AHMAD", "AMRI", "EDI",
        ),
        "last_m": (
            "SYAHPUTRA", "HIDAYAT", "IRAWAN", "EFENDI", "SAPUTRA", "HAMDANI", "RAHMAN",
            "SYAFRI", "JUNAIDI", "RIZAL", "ARIFIN", "AZHAR", "ZAINUDDIN", "FITRA",
        ),
        "old_f": ("NUR", "SRI", "SITI", "ROS", "YUSNI", "ELI", "DEWI", "EVA", "FITRI"),
        "last_f": (
            "HAYATI", "WAHYUNI", "NINGSIH", "SARI", "YANTI", "ARMI", "MARLINA", "FITRIANI",
            "RAHMAWATI", "SUSANTI", "HASANAH", "AINI", "ZAHRA",
        ),
        "new_m": (
            "M.", "MUHAMMAD", "RAFI", "FIKRI", "ILHAM", "RIDHO", "ALDI", "RAHMAT", "FADLI",
            "REZKI", "DANI", "HAIKAL", "FARHAN",
        ),
        "newlast_m": (
            "SYAHPUTRA", "RAMADHAN", "PRATAMA", "FIRDAUS", "SAPUTRA", "ALFAJRI",
            "HIDAYATULLAH", "MAULANA", "ANUGRAH", "KURNIAWAN", "FAHREZI", "AL-FARIZI",
        ),
        "new_f": (
            "NUR", "SITI", "PUTRI", "AULIA", "NABILA", "SALSABILA", "FITRI", "ANNISA",
            "RAHMI", "DINDA", "WIDYA", "SYIFA", "KHAIRUNNISA",
        ),
        "newlast_f": (
            "RAMADHANI", "AZZAHRA", "SYAFITRI", "HASANAH", "RAHMADANI", "PUTRI",
            "FEBRIANI", "NURHALIZA", "AULIA", "ZAHIRAH", "SEPTIANI", "MARDIYAH",
        ),
    },
    "banjar": {
        "single_m": (
            "SAHRANI", "MASLIANSYAH", "RUSDIANSYAH", "ASMUNI", "BAHRUDIN", "SAPRUDIN",
            "HASBULLAH", "MAHLIANSYAH", "SYAMSUDIN", "FAHRUDIN", "ARBAIN", "MURJANI",
            "JAMHARI", "ABDULLAH", "SYAHRIL", "HAMDANI", "ANSYARI", "MAHYUNI", "IRWANSYAH",
        ),
        "single_f": (
            "NORHASANAH", "NORMILAWATI", "NORJANAH", "SARINAH", "MASLIANI", "NORHAYATI",
            "SUPIANI", "ASPIANI", "SYAHRIANI", "NORLELA", "JUMIATI", "RUSNAWATI", "MASITAH",
            "NORHALIMAH", "ASNAH", "RAHMAH", "SAPURAH", "NORSIDAH", "HAMIDAH",
        ),
        "old_m": ("MUHAMMAD", "M.", "AHMAD", "ABDUL", "GUSTI", "ANANG", "SYAHRUL", "NOR"),
        "last_m": (
            "SYARIF", "RIFANI", "YUSRAN", "ARSYAD", "HAMDANI", "RIDUAN", "FAHMI", "ANSARI",
            "NOOR", "IRAWAN", "ARIFIN", "HIDAYAT", "SALEH", "RAHMAN", "ZAINI",
        ),
        "old_f": ("NOR", "SITI", "GUSTI", "RAHMI", "FITRI", "DEWI", "ERNA"),
        "last_f": (
            "AISYAH", "HASANAH", "RAHMAH", "JANNAH", "HALIMAH", "LATIFAH", "MAHMUDAH",
            "FADILAH", "SARI", "HAYATI", "WAHIDAH", "KHAIRIYAH",
        ),
        "new_m": (
            "MUHAMMAD", "M.", "AHMAD", "RIZKY", "FAHRI", "NOOR", "RAHMAT", "ALDI", "SYAHRUL",
            "RAFI", "AKHMAD", "HAIKAL",
        ),
        "newlast_m": (
            "RAMADHANI", "NOOR", "FAUZAN", "SYAHPUTRA", "RIFANI", "ARDIANSYAH", "ANSYARI",
            "MAULANA", "FIRDAUS", "RAHMAN", "FADILLAH",
        ),
        "new_f": (
            "NOR", "SITI", "NURUL", "AULIA", "NABILA", "PUTRI", "SALSABILA", "ANNISA",
            "RIZKA", "AMALIA", "DINA", "SARAH",
        ),
        "newlast_f": (
            "AULIA", "RAHMAH", "AZIZAH", "ZAHRA", "MAULIDA", "FITRIANI", "RAHMADANI",
            "ANGGRAINI", "NORHALIZA", "SARI", "SAFITRI", "HIDAYAH",
        ),
    },
    "bugis": {
        "single_m": (
            "BASO", "AMBO", "BACO", "SAMSUDDIN", "HAMZAH", "NASRULLAH", "SYAMSUL",
            "BADARUDDIN", "ARIFUDDIN", "MUHTAR", "SUDIRMAN", "BAHTIAR", "JUFRI",
            "SAHARUDDIN", "HASANUDDIN", "RUSTAM", "SAKARIA", "JUMADIL", "HERMAN", "SYAHRIR",
        ),
        "single_f": (
            "HASNAH", "HASMAWATI", "RAHMAWATI", "SUHARTINI", "BECCE", "HADIJAH", "SITTI",
            "SUHARNI", "NURHAYATI", "HASNIAH", "MARIAM", "SAENAB", "HAPSAH", "MULIATI",
            "NURLINA", "KASMAWATI", "HASRIANI", "MASNIAR", "RUSNAH", "SURIANI",
        ),
        "old_m": ("ANDI", "MUH.", "MUHAMMAD", "ABD.", "AMBO", "LA", "BASO", "ABDUL"),
        "last_m": (
            "TANG", "DALLE", "SAKKA", "BACO", "TAHANG", "ARSYAD", "RAHMAN", "MUIS", "SALEH",
            "MAKKULAU", "SIDIK", "HAMID", "SYARIF", "MAPPA", "ALI", "RASYID", "RAUF",
        ),
        "old_f": ("ANDI", "SITTI", "ST.", "NUR", "INDO"),
        "last_f": (
            "HASNAH", "BECCE", "RAHMATIA", "ASMA", "NURHAYATI", "MARHAMAH", "NURAENI",
            "HADIJAH", "SAENAB", "ASIAH", "MUNIRAH", "SUKMAWATI",
        ),
        "new_m": (
            "ANDI", "MUH.", "MUHAMMAD", "ILHAM", "FADLI", "RISAL", "ALDI", "ASWAR", "AKBAR",
            "FIRMAN", "IRFAN", "RAHMAT", "SYAHRUL", "RIDWAN", "ASRUL",
        ),
        "newlast_m": (
            "SAPUTRA", "RAMADHAN", "AKBAR", "FAUZAN", "MAULANA", "HIDAYAT", "ARDIANSYAH",
            "SYAHRIR", "PRATAMA", "ALFARIZI", "ANUGRAH", "HIDAYATULLAH",
        ),
        "new_f": (
            "ANDI", "NUR", "SITTI", "NURUL", "ASTI", "RISMA", "ST.", "AINUN", "DIAN",
            "FITRI", "IKA", "RINA", "MUTIARA",
        ),
        "newlast_f": (
            "AULIA", "RAMADHANI", "FADILLAH", "AZZAHRA", "RAHMADANI", "NURHALIZA",
            "SAFITRI", "MAGFIRAH", "ANDRIANI", "ISLAMIAH", "WAHYUNI", "AMALIAH", "ANGRAENI",
        ),
    },
    "dayak": {
        "single_m": (
            "LUNG", "UJANG", "LAWING", "ANYIE", "BALAN", "IBAU", "PARE", "HUVANG", "JALUNG",
            "LEDJIE", "LUHAT", "BILUNG", "ALUNG", "LIGAT", "ULUNG", "BUSANG", "APUI",
            "LENJAU",
        ),
        "single_f": (
            "ULAU", "LEDANG", "ANYA", "BUNGAN", "UBUNG", "IPUI", "UNYANG", "UBING", "LUSAT",
            "ASUNG", "ILUNG", "ULING", "BULAN",
        ),
        "old_m": (
            "PETRUS", "YOHANES", "MARKUS", "PAULUS", "YAKOBUS", "STEFANUS", "ANDREAS",
            "MATIUS", "LUKAS", "SIMON", "ALBERTUS", "BENEDIKTUS", "IGNASIUS", "DANIEL",
        ),
        "last_m": (
            "LUNG", "UJANG", "LAWING", "ANYIE", "BALAN", "IBAU", "JALUNG", "LEDJIE",
            "LUHAT", "ALUNG", "LENJAU", "BUSANG",
        ),
        "old_f": (
            "MARIA", "ELISABETH", "YULIANA", "MAGDALENA", "KRISTINA", "AGNES", "VERONIKA",
            "MARTHA", "LUSIA", "ROSALIA", "MARGARETHA",
        ),
        "last_f": ("ULAU", "LEDANG", "ANYA", "BUNGAN", "UBUNG", "IPUI", "UNYANG", "ASUNG"),
        "new_m": (
            "KEVIN", "YOHANES", "DANIEL", "MARKUS", "ANDREAS", "YOSUA", "GABRIEL", "MIKAEL",
            "RAFAEL", "STEVEN", "FERDINAN",
        ),
        "newlast_m": (
            "LUNG", "LAWING", "BALAN", "UJANG", "ANYIE", "JALUNG", "LEDJIE", "LUHAT",
            "ALUNG", "LENJAU",
        ),
        "new_f": (
            "MARIA", "YULIANA", "KRISTINA", "AGNES", "ANGELINA", "NATALIA", "VALENTINA",
            "YOHANA", "LIDIA", "FEBIOLA", "KEZIA",
        ),
        "newlast_f": ("ULAU", "BUNGAN", "UBUNG", "IPUI", "LEDANG", "ANYA", "UNYANG", "ULING"),
    },
}

# Baptismal names that Catholic and Protestant residents put before a local name.
CHRISTIAN_M = (
    "ANTONIUS", "YOHANES", "FX.", "ALOYSIUS", "IGNATIUS", "YOSEPH", "AGUSTINUS", "PAULUS",
    "PETRUS", "STEFANUS", "DANIEL", "SAMUEL", "YOSUA", "TIMOTIUS", "MARKUS", "ROBERTUS",
)
CHRISTIAN_F = (
    "MARIA", "THERESIA", "CHATARINA", "AGNES", "YOHANA", "CAECILIA", "MARGARETA",
    "VERONIKA", "BERNADETA", "AGATHA", "MAGDALENA", "YULIANA", "ELISABETH", "DEBORA",
    "RUTH", "ESTER", "LIDIA",
)

# Religion weights by profile (roughly following regional census shares).
AGAMA: dict[str, tuple[tuple[str, float], ...]] = {
    "jawa": (("ISLAM", 93.0), ("KRISTEN", 3.0), ("KATOLIK", 3.5), ("HINDU", 0.3),
             ("BUDDHA", 0.15), ("KHONGHUCU", 0.02), ("KEPERCAYAAN TERHADAP TUHAN YME", 0.05)),
    "madura": (("ISLAM", 99.6), ("KRISTEN", 0.2), ("KATOLIK", 0.1), ("BUDDHA", 0.05),
               ("KHONGHUCU", 0.02)),
    "melayu": (("ISLAM", 98.0), ("KRISTEN", 1.2), ("KATOLIK", 0.4), ("BUDDHA", 0.3),
               ("KHONGHUCU", 0.05)),
    "banjar": (("ISLAM", 99.5), ("KRISTEN", 0.3), ("KATOLIK", 0.2)),
    "bugis": (("ISLAM", 99.0), ("KRISTEN", 0.6), ("KATOLIK", 0.3), ("HINDU", 0.05)),
    "dayak": (("KRISTEN", 48.0), ("KATOLIK", 40.0), ("ISLAM", 8.0), ("HINDU", 2.0),
              ("KEPERCAYAAN TERHADAP TUHAN YME", 2.0)),
}

# Where migrants of a profile were typically born (used when the profile is not the
# regency's main one).
ORIGIN_TOWNS: dict[str, tuple[str, ...]] = {
    "jawa": ("KEDIRI", "BLITAR", "NGAWI", "MADIUN", "BANYUWANGI", "JEMBER", "KEBUMEN",
             "WONOGIRI", "GROBOGAN", "PONOROGO"),
    "madura": ("SAMPANG", "PAMEKASAN", "SUMENEP", "BANGKALAN"),
    "melayu": ("PEKANBARU", "TELUK KUANTAN", "RENGAT", "PADANG", "BUKITTINGGI",
               "PAYAKUMBUH", "TANJUNG PINANG"),
    "banjar": ("BANJARMASIN", "AMUNTAI", "BARABAI", "KANDANGAN", "MARTAPURA", "TANJUNG"),
    "bugis": ("BONE", "WAJO", "SOPPENG", "SIDRAP", "PAREPARE", "MAKASSAR", "PINRANG"),
    "dayak": ("LONG BANGUN", "DATAH BILANG", "MUARA WAHAU", "LONG APARI", "MALINAU"),
}

BIG_CITIES = ("JAKARTA", "BANDUNG", "SURABAYA", "SEMARANG", "MEDAN", "MAKASSAR", "PALEMBANG",
              "BEKASI", "TANGERANG", "DENPASAR", "BATAM", "DEPOK")

# --- places --------------------------------------------------------------------------

VILLAGES: dict[str, tuple[str, ...]] = {
    "jawa": (
        "KARANGANOM", "SIDOMULYO", "SUMBERREJO", "TEGALREJO", "MARGOREJO", "JATIREJO",
        "KEBONAGUNG", "SUKOREJO", "PURWOREJO", "BANYUURIP", "KARANGASEM", "TAMBAKREJO",
        "SIDOREJO", "SRIMULYO", "CANDIREJO", "GLAGAH", "JOMBORAN", "KRANDON", "NGLINGGI",
        "TEGALYOSO", "GONDANGREJO", "KEPANJEN", "MANJUNGAN", "BENDOGANTUNGAN", "TANJUNGSARI",
        "WONOREJO", "KARANGDUREN", "JAMBUKULON", "TLOGOREJO", "NGEMPLAK", "SIDOWAYAH",
        "JAGALAN", "PANDANSARI", "KUNDEN", "BARENG", "TEGALSARI", "GEDONGAN", "KRAKITAN",
        "SEMBUNGAN", "NGRUNDUL", "KADIREJO", "SANGGRAHAN", "PAKAHAN", "GUMULAN",
    ),
    "madura": (
        "PANGPAJUNG", "MLAJAH", "KRAMAT", "MARTAJASAH", "BILAPORAH", "BANCARAN",
        "KEMAYORAN", "TUNJUNG", "SENDANG DAJAH", "LERPAK", "BANDANG DAJAH", "PAKES",
        "KETETANG", "JADDIH", "PARSEH", "SEMBILANGAN", "BANYUAJUH", "KWANYAR BARAT",
        "TELLANG", "BATORASANG", "DUKO TENGAH", "LABUAN", "TANAH MERAH DAJAH", "BULUH",
    ),
    "melayu": (
        "KOTO TALUK", "PULAU ALIANG", "SUNGAI JERING", "LUBUK JAMBI", "SIMPANG TIGA",
        "TELUK BERINGIN", "KOTO BARU", "PULAU BARU", "SUNGAI MANAU", "LUBUK AMBACANG",
        "KOTO RAJO", "PASAR BARU", "PULAU KOPUNG", "SIMANDOLAK", "SERANGGAM", "KOPAH",
        "BENAI KECIL", "TANJUNG PAUH", "SUNGAI SORIK", "KOTO CERENTI", "BANJAR GUNUNG",
        "PULAU BUSUK",
    ),
    "kaltim": (
        "SWARGA BARA", "SINGA GEWEH", "TELUK LINGGA", "SANGKIMA", "SEKERAT", "MANUBAR",
        "BUKIT MAKMUR", "SUKA RAHMAT", "WANASARI", "MARGAMULYA", "NEHES LIAH BING",
        "DIAQ LAY", "LONG SEGAR", "SEPASO", "TANJUNG MANIS", "KARANGAN DALAM",
        "SEKURAU ATAS", "KELINJAU ULU", "MUKTI JAYA", "SUMBER SARI", "TEPIAN LANGSAT",
        "SUKA DAMAI",
    ),
}

# Hamlets (dukuh, dusun) used for rural addresses.
HAMLETS: dict[str, tuple[str, ...]] = {
    "jawa": ("KRAJAN", "GEDONGAN", "NGASEM", "KARANGMOJO", "TEGALSARI", "BENDAN", "PLOSO",
             "GUMUK", "SONGGORUNGGI", "JETIS", "KAUMAN", "NGABEAN", "SOROGENEN", "PUNDUNG",
             "KARANGWUNI", "GATAK", "BUNDER", "DENOKAN", "KLUMPIT", "SABRANG"),
    "madura": ("KRAJAN", "LAOK", "DAJAH", "TIMUR", "BARAT", "TENGAH", "TAMBAK", "BIRAH",
               "KOLPAJUNG", "TANJUNG"),
    "melayu": ("I", "II", "III", "IV", "V", "SUNGAI PINANG", "SIMPANG", "PASAR"),
    "kaltim": ("I", "II", "III", "IV", "SUKA MAJU", "MEKAR SARI", "SIDO MULYO", "TANJUNG"),
}

STREETS = (
    "MELATI", "MAWAR", "KENANGA", "ANGGREK", "CEMPAKA", "DAHLIA", "SUDIRMAN", "DIPONEGORO",
    "PEMUDA", "KARTINI", "VETERAN", "MERDEKA", "PAHLAWAN", "GATOT SUBROTO", "A. YANI",
    "PERINTIS KEMERDEKAAN", "KI HAJAR DEWANTARA", "CUT NYAK DIEN", "SISINGAMANGARAJA",
    "RAYA", "PANDANARAN", "FLAMBOYAN", "SERUNI", "BOUGENVILLE", "NANGKA", "MANGGA",
    "RAMBUTAN", "SAWO", "KELAPA", "PENDIDIKAN", "KESEHATAN", "MASJID", "PASAR", "STADION",
)

# --- occupations (Dukcapil's own list) -----------------------------------------------

JOBS_YOUNG = (("PELAJAR/MAHASISWA", 55), ("BELUM/TIDAK BEKERJA", 12), ("KARYAWAN SWASTA", 14),
              ("WIRASWASTA", 6), ("BURUH HARIAN LEPAS", 8), ("PEDAGANG", 2),
              ("PETANI/PEKEBUN", 2), ("KARYAWAN HONORER", 1))
JOBS_MALE = (("PETANI/PEKEBUN", 14), ("WIRASWASTA", 20), ("KARYAWAN SWASTA", 18),
             ("BURUH HARIAN LEPAS", 12), ("PEDAGANG", 5), ("BURUH TANI/PERKEBUNAN", 4),
             ("SOPIR", 2), ("TUKANG BATU", 2), ("TUKANG KAYU", 1.5),
             ("PEGAWAI NEGERI SIPIL", 2), ("GURU", 1.5), ("PERANGKAT DESA", 0.7),
             ("TENTARA NASIONAL INDONESIA", 0.5), ("KEPOLISIAN RI", 0.5),
             ("KARYAWAN HONORER", 1), ("MEKANIK", 1), ("BELUM/TIDAK BEKERJA", 4),
             ("PERDAGANGAN", 1), ("TRANSPORTASI", 0.5), ("KARYAWAN BUMN", 0.5),
             ("PETERNAK", 1), ("INDUSTRI", 1), ("KONSTRUKSI", 0.5), ("DOSEN", 0.1),
             ("DOKTER", 0.1), ("USTADZ/MUBALIGH", 0.2))
JOBS_FEMALE = (("MENGURUS RUMAH TANGGA", 35), ("WIRASWASTA", 12), ("KARYAWAN SWASTA", 14),
               ("PEDAGANG", 8), ("PETANI/PEKEBUN", 6), ("BURUH HARIAN LEPAS", 6),
               ("GURU", 3), ("PEGAWAI NEGERI SIPIL", 2), ("BIDAN", 0.6), ("PERAWAT", 1),
               ("TUKANG JAHIT", 1.5), ("BURUH TANI/PERKEBUNAN", 3),
               ("BELUM/TIDAK BEKERJA", 4), ("KARYAWAN HONORER", 1.5),
               ("PEMBANTU RUMAH TANGGA", 1), ("PERDAGANGAN", 1))
JOBS_OLD = (("PETANI/PEKEBUN", 30), ("MENGURUS RUMAH TANGGA", 12), ("PENSIUNAN", 8),
            ("BELUM/TIDAK BEKERJA", 15), ("WIRASWASTA", 8), ("PEDAGANG", 5),
            ("BURUH TANI/PERKEBUNAN", 5), ("BURUH HARIAN LEPAS", 3))

# --- regencies -----------------------------------------------------------------------
# town: the birthplace most residents give; nearby: other common birthplaces; profiles:
# ethnic mix (the first is the main one); urban: kecamatan with kelurahan and streets;
# jobs: extra occupation weights for adults.

REGENCIES: dict[str, dict] = {
    "33.10": {
        "town": "KLATEN",
        "nearby": ("SURAKARTA", "BOYOLALI", "SUKOHARJO", "YOGYAKARTA", "SLEMAN", "WONOGIRI",
                   "KARANGANYAR", "SRAGEN", "BANTUL", "MAGELANG"),
        "profiles": (("jawa", 1.0),),
        "urban": ("Klaten Utara", "Klaten Tengah", "Klaten Selatan"),
        "jobs": {"INDUSTRI": 2, "WIRASWASTA": 3},
    },
    "33.20": {
        "town": "JEPARA",
        "nearby": ("KUDUS", "PATI", "DEMAK", "SEMARANG", "REMBANG", "GROBOGAN"),
        "profiles": (("jawa", 1.0),),
        "urban": ("Jepara",),
        "jobs": {"TUKANG KAYU": 8, "INDUSTRI": 4, "NELAYAN/PERIKANAN": 2},
    },
    "35.26": {
        "town": "BANGKALAN",
        "nearby": ("SAMPANG", "PAMEKASAN", "SUMENEP", "SURABAYA", "SIDOARJO", "GRESIK"),
        "profiles": (("madura", 0.95), ("jawa", 0.05)),
        "urban": ("Bangkalan",),
        "jobs": {"NELAYAN/PERIKANAN": 4, "PEDAGANG": 4, "BURUH HARIAN LEPAS": 4},
    },
    "14.09": {
        "town": "TELUK KUANTAN",
        "nearby": ("PEKANBARU", "RENGAT", "BANGKINANG", "SIJUNJUNG", "PADANG", "BUKITTINGGI"),
        "profiles": (("melayu", 0.82), ("jawa", 0.15), ("bugis", 0.03)),
        "urban": ("Kuantan Tengah",),
        "jobs": {"PETANI/PEKEBUN": 15, "BURUH TANI/PERKEBUNAN": 6},
    },
    "64.08": {
        "town": "SANGATTA",
        "nearby": ("SAMARINDA", "BONTANG", "BALIKPAPAN", "TENGGARONG"),
        "profiles": (("bugis", 0.3), ("jawa", 0.3), ("banjar", 0.2), ("dayak", 0.12),
                     ("melayu", 0.08)),
        "urban": ("Sangatta Utara", "Sangatta Selatan"),
        "jobs": {"KARYAWAN SWASTA": 12, "BURUH TANI/PERKEBUNAN": 8, "PETANI/PEKEBUN": 4},
        "villages": "kaltim",
    },
}

# Main profile by province code for regencies not described above.
PROVINCE_PROFILE = {
    **dict.fromkeys(("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"), "melayu"),
    **dict.fromkeys(("61", "62", "63", "64", "65"), "banjar"),
    **dict.fromkeys(("71", "72", "73", "74", "75", "76"), "bugis"),
}

# Foreign residents (WNA) with a permanent stay permit, rare in a regency feed: by origin,
# male and female given names, family names, birthplaces.
WNA = (
    (("HIROSHI", "KENJI", "TAKESHI"), ("YUKI", "AYAKO", "MEGUMI"),
     ("TANAKA", "NAKAMURA", "SATO"), ("TOKYO", "OSAKA", "NAGOYA")),
    (("JUN HO", "MIN SU", "SEONG HO"), ("JI YEON", "SO YEON", "HYE JIN"),
     ("KIM", "LEE", "PARK"), ("SEOUL", "BUSAN")),
    (("WEI MING", "JIAN", "HAO"), ("MEI LING", "XIU YING", "LI NA"),
     ("CHEN", "WANG", "LIN"), ("TAIPEI", "GUANGZHOU", "XIAMEN")),
    (("JOSE", "MARK ANTHONY", "RAMON"), ("MARIA LUISA", "JOY", "CRISTINA"),
     ("SANTOS", "CRUZ", "REYES"), ("MANILA", "CEBU", "DAVAO")),
    (("RAJESH", "ARJUN", "VIKRAM"), ("PRIYA", "ANJALI", "DEEPA"),
     ("KUMAR", "SHARMA", "NAIR"), ("MUMBAI", "CHENNAI", "KOCHI")),
    (("PIETER", "JAN", "WILLEM"), ("ANNA", "SOPHIE", "EMMA"),
     ("DE VRIES", "JANSSEN", "VAN DIJK"), ("AMSTERDAM", "UTRECHT", "ROTTERDAM")),
    (("MICHAEL", "DAVID", "THOMAS"), ("SARAH", "EMILY", "HANNAH"),
     ("BROWN", "WILSON", "TAYLOR"), ("SYDNEY", "MELBOURNE", "PERTH")),
)
WNA_AGAMA = (("KRISTEN", 30), ("KATOLIK", 25), ("BUDDHA", 20), ("ISLAM", 15), ("HINDU", 10))
WNA_JOBS = ("KARYAWAN SWASTA", "WIRASWASTA", "DOSEN", "PENSIUNAN", "MENGURUS RUMAH TANGGA")

# Words that mark a Muslim name: a Christian resident's name does not carry them.
ISLAMIC_WORDS = frozenset((
    "MUHAMMAD", "MOHAMMAD", "AHMAD", "MOH.", "MUH.", "ACH.", "ABD.", "ABDUL", "SITI", "SITTI",
    "NUR", "NURUL", "FATIMAH", "AMINAH", "KHASANAH", "MUNAWAROH", "ROHMAH", "KHOIRUNNISA",
    "HIDAYATULLAH", "AISYAH", "ZAINULLAH", "AZZAHRA", "NURHALIZA",
))

# --- drawing from the lists --------------------------------------------------------------

Table = tuple[tuple[str, ...], list[float]]  # values and cumulative weights


def table(pairs) -> Table:
    values, weights = zip(*pairs, strict=True)
    return tuple(values), list(accumulate(weights))


def pick(rng: random.Random, weighted: Table) -> str:
    return rng.choices(weighted[0], cum_weights=weighted[1])[0]


_AGAMA_TABLES = {profile: table(pairs) for profile, pairs in AGAMA.items()}
_CHRISTIAN = ("KRISTEN", "KATOLIK")


def religion(rng: random.Random, profile: str) -> str:
    return pick(rng, _AGAMA_TABLES[profile])


def marital_status(rng: random.Random, age: int, female: bool) -> str:
    if age < 17:  # a married 16-year-old must hold a KTP: queued, not held
        return "KAWIN" if rng.random() < 0.05 else "BELUM KAWIN"
    if age < 22:
        weights = (82, 17, 1, 0) if female else (91, 9, 0, 0)
    elif age < 30:
        weights = (40, 56, 3, 1) if female else (50, 47, 2.5, 0.5)
    elif age < 60:
        weights = (5, 80, 6, 9) if female else (6, 87, 4, 3)
    else:
        weights = (2, 45, 3, 50) if female else (2, 80, 3, 15)
    return rng.choices(("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"), weights)[0]


def person_name(rng: random.Random, profile: str, female: bool, year: int, agama: str) -> str:
    """A fictional name in the habits of ``profile`` for someone born in ``year``."""
    lists, s = PROFILES[profile], "f" if female else "m"
    if profile == "dayak" and agama not in _CHRISTIAN:
        return rng.choice(lists[f"single_{s}"])
    single, three = (0.65, 0.0) if year < 1965 else (0.25, 0.15) if year < 1990 else (0.03, 0.5)
    first, last = ("old", "last") if year < 1990 else ("new", "newlast")
    r = rng.random()
    if r < single:
        name = rng.choice(lists[f"single_{s}"])
    else:
        words = [rng.choice(lists[f"{first}_{s}"])]
        if r > 1 - three:
            second = rng.choice(lists[f"{first}_{s}"])
            if second != words[0]:
                words.append(second)
        words.append(rng.choice(lists[f"{last}_{s}"]))
        name = " ".join(words)
    words = name.split()
    if agama in _CHRISTIAN and profile != "dayak" and (
        rng.random() < 0.6 or not ISLAMIC_WORDS.isdisjoint(words)
    ):  # a baptismal name before a local one
        local = words[-1]
        while local in ISLAMIC_WORDS:
            local = rng.choice(lists[f"single_{s}"])
        name = f"{rng.choice(CHRISTIAN_F if female else CHRISTIAN_M)} {local}"
    return name


_WNA_AGAMA = table(WNA_AGAMA)


def foreigner(rng: random.Random, female: bool) -> tuple[str, str, str, str]:
    """nama, tempat_lahir, agama, pekerjaan of a foreign resident."""
    males, females, families, towns = rng.choice(WNA)
    nama = f"{rng.choice(females if female else males)} {rng.choice(families)}"
    job = rng.choice(WNA_JOBS[:-1] if not female else WNA_JOBS)
    return nama, rng.choice(towns), pick(rng, _WNA_AGAMA), job


class Place:
    """What the demo feed needs to know about one regency, derived once."""

    def __init__(self, regency: Regency) -> None:
        cfg = REGENCIES.get(regency.kode) or self._fallback(regency)
        self.digits = regency.kode.replace(".", "")
        self.town, self.nearby = cfg["town"], cfg["nearby"]
        self.profiles = table(cfg["profiles"])
        self.main = cfg["profiles"][0][0]
        key = cfg.get("villages") or (self.main if self.main in VILLAGES else "kaltim")
        self.hamlets, self.javanese = HAMLETS[key], key == "jawa"
        self.kecamatan = [k.kode for k in regency.kecamatan]
        self.kec_names = [k.nama.upper() for k in regency.kecamatan]
        self.urban = {k.kode for k in regency.kecamatan if k.nama in cfg["urban"]}
        self.villages: dict[str, list[str]] = {}
        weights = []
        for kode in self.kecamatan:
            local = random.Random(f"villages:{kode}")  # the same whatever the seed
            self.villages[kode] = local.sample(VILLAGES[key], 10)
            weights.append((2.0 if kode in self.urban else 1.0) * local.uniform(0.6, 1.4))
        self.kec_table: Table = (tuple(self.kecamatan), list(accumulate(weights)))
        # Well-shaped kecamatan codes of other regencies (movers' NIKs, UNKNOWN_KECAMATAN).
        self.foreign = [k.kode for r in shipped_regencies().values() if r.kode != regency.kode
                        for k in r.kecamatan]
        if not self.foreign:
            other = f"{regency.kode_provinsi}.{int(regency.kode[3:]) % 99 + 1:02d}"
            self.foreign = [f"{other}.{i:02d}" for i in range(1, 11)]
        extra = cfg.get("jobs", {})

        def jobs(base, boost=True) -> Table:
            merged = dict(base)
            for job, weight in extra.items() if boost else ():
                merged[job] = merged.get(job, 0) + weight
            return table(merged.items())

        self.jobs_young, self.jobs_old = jobs(JOBS_YOUNG, False), jobs(JOBS_OLD)
        self.jobs_male, self.jobs_wife = jobs(JOBS_MALE), jobs(JOBS_FEMALE)
        self.jobs_single_woman = jobs(dict(JOBS_FEMALE, **{"MENGURUS RUMAH TANGGA": 4}).items())

    @staticmethod
    def _fallback(regency: Regency) -> dict:
        town = regency.nama.upper().removeprefix("KABUPATEN ").removeprefix("KOTA ")
        profile = PROVINCE_PROFILE.get(regency.kode_provinsi, "jawa")
        return {"town": town, "nearby": BIG_CITIES[:6], "profiles": ((profile, 1.0),),
                "urban": tuple(k.nama for k in regency.kecamatan if k.nama.upper() == town)}

    def birthplace(self, rng: random.Random, profile: str, year: int) -> str:
        r = rng.random()
        if profile != self.main and r > (0.7 if year >= 1995 else 0.3):  # born before moving
            return rng.choice(ORIGIN_TOWNS[profile] if r < 0.9 else BIG_CITIES)
        if r < 0.08:
            return rng.choice(self.kec_names)
        if r < 0.8:
            return self.town
        return rng.choice(self.nearby if r < 0.96 else BIG_CITIES)

    def address(self, rng: random.Random, kec: str) -> tuple[str, str, str]:
        """alamat, rt, rw: streets in town, hamlets in the villages."""
        if kec in self.urban or rng.random() < 0.12:
            street = f"JL. {rng.choice(STREETS)} NO. {rng.randint(1, 150)}"
            return street, str(rng.randint(1, 15)), str(rng.randint(1, 20))
        hamlet = rng.choice(self.hamlets)
        alamat = f"DUSUN {hamlet}"
        if self.javanese:
            alamat = rng.choice((f"DK. {hamlet}", alamat, hamlet))
        rt = rng.randint(1, 6) if rng.random() < 0.95 else rng.randint(7, 30)
        return alamat, str(rt), str(rng.randint(1, 12))

    def job(self, rng: random.Random, age: int, female: bool, status: str) -> str:
        if age < 17:
            return "PELAJAR/MAHASISWA" if rng.random() < 0.92 else "BELUM/TIDAK BEKERJA"
        if age < 25 and status == "BELUM KAWIN":
            return pick(rng, self.jobs_young)
        if age >= 60:
            job = pick(rng, self.jobs_old)
            return "PETANI/PEKEBUN" if job == "MENGURUS RUMAH TANGGA" and not female else job
        if not female:
            return pick(rng, self.jobs_male)
        return pick(rng, self.jobs_wife if status != "BELUM KAWIN" else self.jobs_single_woman)

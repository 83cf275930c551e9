"""IKD activations (issue 15): entered for a day or imported from the regency's CSV, and
read per month against blanks received and cards printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from application.actions import Who, perform, signature
from cetak.access import Action
from cetak.installation import load_installation
from inventory import ikd
from inventory.ikd import IkdMonth, IkdRefused


def add_day(engine: Engine, actor: Who, day: date, count: int) -> int:
    problems = ikd.check(day, count, load_installation(engine).today())
    if problems:
        shown = {"bad_date": str(day), "future_date": str(day), "too_old": str(day)}
        raise IkdRefused("", [(0, shown.get(p, str(count)), p) for p in problems])
    return perform(
        engine,
        actor,
        Action.IKD,
        "ikd_add",
        lambda session: ikd.store(session, [(day, count)], actor=signature(actor)),
        target=day.isoformat(),
        detail={"jumlah": count},
    )


def import_file(engine: Engine, actor: Who, path: Path) -> int:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IkdRefused(path.name, [(0, type(exc).__name__, "unreadable")]) from None
    rows, problems = ikd.parse(text, load_installation(engine).today())
    if problems:
        raise IkdRefused(path.name, problems)
    return perform(
        engine,
        actor,
        Action.IKD,
        "ikd_import",
        lambda session: ikd.store(session, rows, actor=signature(actor)),
        target=path.name,
        result_detail=lambda n: {"rows": n},
    )


def monthly(engine: Engine, *, count: int = 12) -> list[IkdMonth]:
    served = load_installation(engine)
    with Session(engine) as session:
        return ikd.months(session, tz=served.timezone, last=served.today(), count=count)

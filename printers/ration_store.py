"""The rationing policy in force and the urgent flags, kept in the database (issue 15).

Policies are versioned: ``set_policy`` appends a version, the newest is in force, and the
default (Ditjen's list, ``printers.rationing.DEFAULT_POLICY``) applies while none is stored.
An urgent flag names a resident's queued record and a reason; it counts once a supervisor
has approved it, until it is cleared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.errors import CetakError
from cetak.lifecycle import RecordState
from cetak.models import Record, utcnow
from printers.models import RationPolicyVersion, UrgentFlag
from printers.rationing import DEFAULT_POLICY, RationClass, RationPolicy


class RationError(CetakError):
    code = "ration.error"


class PolicyRefused(RationError):
    """A policy file that cannot be used: nothing stored."""

    code = "ration.policy_refused"

    def __init__(self, name: str, problems: list[tuple[str, Any]]) -> None:
        super().__init__(name=name, problems=problems)


class NoQueuedRecord(RationError):
    code = "ration.no_queued_record"

    def __init__(self, nik_masked: str) -> None:
        super().__init__(nik_masked=nik_masked)


class BadReason(RationError):
    code = "ration.bad_reason"

    def __init__(self, given: str, choices: list[str]) -> None:
        super().__init__(given=given, choices=choices)


class NoFlag(RationError):
    code = "ration.no_flag"

    def __init__(self, nik_masked: str) -> None:
        super().__init__(nik_masked=nik_masked)


def policy_to_data(policy: RationPolicy) -> dict[str, Any]:
    """The policy as its file says it (``penuaan_hari``, ``kelas``)."""
    classes = []
    for c in policy.classes:
        item: dict[str, Any] = {"kode": c.kode, "nama": c.nama}
        if c.jenis:
            item["jenis"] = sorted(c.jenis)
        if c.mendesak is not None:
            item["mendesak"] = c.mendesak
        if c.usia_maks is not None:
            item["usia_maks"] = c.usia_maks
        classes.append(item)
    return {"penuaan_hari": policy.ageing_days, "kelas": classes}


def _from_row(row: RationPolicyVersion) -> RationPolicy:
    data = json.loads(row.policy_json)
    return RationPolicy(
        classes=tuple(
            RationClass(
                c["kode"],
                c.get("nama", c["kode"]),
                frozenset(c.get("jenis", [])),
                c.get("mendesak"),
                c.get("usia_maks"),
            )
            for c in data["kelas"]
        ),
        ageing_days=int(data["penuaan_hari"]),
        version=row.version,
    )


def current_policy(session: Session) -> RationPolicy:
    row = session.exec(
        select(RationPolicyVersion).order_by(col(RationPolicyVersion.version).desc())
    ).first()
    return DEFAULT_POLICY if row is None else _from_row(row)


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version: int
    actor: str
    at: datetime
    source: str | None


def history(session: Session) -> list[PolicyVersion]:
    return [
        PolicyVersion(r.version, r.actor, r.at, r.source)
        for r in session.exec(
            select(RationPolicyVersion).order_by(col(RationPolicyVersion.version).desc())
        )
    ]


def set_policy(
    session: Session, policy: RationPolicy, *, actor: str, source: str | None = None
) -> int:
    """Store ``policy`` as the next version (the version table's key makes two writers
    that race for one number fail, not overwrite each other)."""
    last = session.execute(sa.select(sa.func.max(RationPolicyVersion.version))).scalar()
    version = int(last or 0) + 1
    session.add(
        RationPolicyVersion(
            version=version,
            policy_json=json.dumps(policy_to_data(policy), ensure_ascii=False, sort_keys=True),
            actor=actor,
            at=utcnow(),
            source=source,
        )
    )
    session.flush()
    return version


# --- urgent flags --------------------------------------------------------------------------


def _queued_record(session: Session, nik: str) -> Record | None:
    return session.exec(
        select(Record)
        .where(Record.nik == nik, Record.state == RecordState.QUEUED.value)
        .order_by(col(Record.id).desc())
    ).first()


def _open_flag(session: Session, record_id: int) -> UrgentFlag | None:
    return session.exec(
        select(UrgentFlag)
        .where(UrgentFlag.record_id == record_id, col(UrgentFlag.cleared_at).is_(None))
        .with_for_update()
    ).first()


def flag(
    session: Session,
    nik: str,
    *,
    reason: str,
    note: str | None,
    actor: str,
    approve: bool,
    nik_masked: str,
) -> UrgentFlag:
    """Flag the resident's queued record urgent (or approve its pending flag when
    ``approve``). A second flag on the same record changes the reason, not the count."""
    from printers.rationing import URGENT_REASONS

    if reason not in URGENT_REASONS:
        raise BadReason(reason, list(URGENT_REASONS))
    record = _queued_record(session, nik)
    if record is None or record.id is None:
        raise NoQueuedRecord(nik_masked)
    held = _open_flag(session, record.id)
    now = utcnow()
    if held is None:
        held = UrgentFlag(
            record_id=record.id, reason=reason, note=note, requested_by=actor, requested_at=now
        )
    else:
        held.reason, held.note = reason, note or held.note
    if approve and held.approved_at is None:
        held.approved_by, held.approved_at = actor, now
    session.add(held)
    session.flush()
    return held


def unflag(session: Session, nik: str, *, actor: str, nik_masked: str) -> UrgentFlag:
    record = _queued_record(session, nik)
    held = None if record is None or record.id is None else _open_flag(session, record.id)
    if held is None:
        raise NoFlag(nik_masked)
    held.cleared_by, held.cleared_at = actor, utcnow()
    session.add(held)
    session.flush()
    return held


def approved_flags(session: Session, record_ids: list[int] | None = None) -> set[int]:
    """Queued records with an approved, uncleared urgent flag."""
    query = sa.select(UrgentFlag.record_id).where(  # type: ignore[call-overload]
        col(UrgentFlag.approved_at).is_not(None), col(UrgentFlag.cleared_at).is_(None)
    )
    if record_ids is not None:
        query = query.where(col(UrgentFlag.record_id).in_(record_ids))
    return {int(r) for (r,) in session.execute(query)}


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

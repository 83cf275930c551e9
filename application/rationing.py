"""Rationing when blanks are short (issue 15): the policy's use cases and the per-class
read model that tells staff when a resident can expect the card."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from application.actions import Who, perform, signature
from cetak.access import Action, Actor, allowed
from cetak.installation import load_installation
from cetak.privacy import mask_nik
from inventory.models import Lot
from inventory.queries import totals
from inventory.reorder import in_transit
from printers import ration_store
from printers.models import UrgentFlag
from printers.planning import blanks_free, queued
from printers.ration_store import PolicyRefused
from printers.rationing import (
    ClassQueue,
    RationPolicy,
    RationRecord,
    is_short,
    parse_policy,
    per_class,
)

#: Central's supply is the blanks received over this many days, a day's average.
SUPPLY_WINDOW_DAYS = 90


def _policy_data(name: str, raw: bytes, *, yaml_file: bool) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyRefused(name, [("not_utf8", None)]) from None
    try:
        if yaml_file:
            import yaml

            data = yaml.safe_load(text)
        else:
            data = tomllib.loads(text)
    except Exception as exc:  # noqa: BLE001 - TOML's or YAML's own errors: a file to fix
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise PolicyRefused(name, [("syntax", first)]) from None
    if not isinstance(data, dict):
        raise PolicyRefused(name, [("no_classes", None)])
    return data


def _store(engine: Engine, actor: Who, name: str, data: dict[str, Any]) -> int:
    policy, problems = parse_policy(data)
    if policy is None:
        raise PolicyRefused(name, problems)
    chosen: RationPolicy = policy
    return perform(
        engine,
        actor,
        Action.RATION_POLICY,
        "ration_policy_set",
        lambda session: ration_store.set_policy(
            session, chosen, actor=signature(actor), source=name
        ),
        target=name,
        result_detail=lambda version: {"version": version},
    )


def set_policy(engine: Engine, actor: Who, path: Path) -> int:
    """Check the policy file (TOML, or YAML by its suffix) and store it as the next version
    (the file is only read)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyRefused(path.name, [("unreadable", type(exc).__name__)]) from None
    yaml_file = path.suffix.lower() in (".yaml", ".yml")
    return _store(engine, actor, path.name, _policy_data(path.name, raw, yaml_file=yaml_file))


def set_policy_text(engine: Engine, actor: Who, text: str) -> int:
    """The same from the dashboard's editor (TOML)."""
    name = "dasbor"
    return _store(engine, actor, name, _policy_data(name, text.encode(), yaml_file=False))


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string


def policy_text(policy: RationPolicy) -> str:
    """The policy as a TOML file says it (for the dashboard's editor)."""
    from printers.ration_store import policy_to_data

    data = policy_to_data(policy)
    lines = [f"penuaan_hari = {data['penuaan_hari']}"]
    for c in data["kelas"]:
        lines += ["", "[[kelas]]", f"kode = {_q(c['kode'])}", f"nama = {_q(c['nama'])}"]
        if "jenis" in c:
            lines.append("jenis = [" + ", ".join(f'"{j}"' for j in c["jenis"]) + "]")
        if "mendesak" in c:
            lines.append(f"mendesak = {'true' if c['mendesak'] else 'false'}")
        if "usia_maks" in c:
            lines.append(f"usia_maks = {c['usia_maks']}")
    return "\n".join(lines) + "\n"


def flag_urgent(
    engine: Engine, actor: Who, nik: str, reason: str, note: str | None = None
) -> UrgentFlag:
    """Flag a resident's queued record urgent. A supervisor's flag is approved at once; an
    operator's waits for a supervisor (who approves by flagging it too)."""
    approve = not isinstance(actor, Actor) or allowed(actor.role, Action.URGENT_APPROVE)
    masked = mask_nik(nik)
    return perform(
        engine,
        actor,
        Action.URGENT_FLAG,
        "urgent_flag",
        lambda session: ration_store.flag(
            session,
            nik,
            reason=reason.strip().lower(),
            note=note,
            actor=signature(actor),
            approve=approve,
            nik_masked=masked,
        ),
        target=masked,
        detail={"reason": reason.strip().lower()},
        result_detail=lambda f: {"approved": f.approved_at is not None},
    )


def unflag_urgent(engine: Engine, actor: Who, nik: str) -> UrgentFlag:
    masked = mask_nik(nik)
    return perform(
        engine,
        actor,
        Action.URGENT_FLAG,
        "urgent_unflag",
        lambda session: ration_store.unflag(
            session, nik, actor=signature(actor), nik_masked=masked
        ),
        target=masked,
    )


@dataclass(frozen=True, slots=True)
class Overview:
    policy: RationPolicy
    short: bool  # rationing applies now
    on_hand: int
    in_transit: int
    waiting: int
    supply_per_day: float
    classes: list[ClassQueue]

    def as_json(self) -> dict[str, Any]:
        from printers.ration_store import policy_to_data

        return {
            "versi": self.policy.version,
            "kebijakan": policy_to_data(self.policy),
            "berlaku": self.short,
            "blangko_tersedia": self.on_hand,
            "dalam_perjalanan": self.in_transit,
            "menunggu": self.waiting,
            "pasokan_per_hari": round(self.supply_per_day, 2),
            "kelas": [
                {
                    "kelas": c.kode,
                    "nama": c.nama,
                    "menunggu": c.waiting,
                    "tertua_hari": c.oldest_days,
                    "perkiraan_dilayani": c.served_by.isoformat() if c.served_by else None,
                }
                for c in self.classes
            ],
        }


def supply_per_day(session: Session, today: date) -> float:
    since = today - timedelta(days=SUPPLY_WINDOW_DAYS)
    received = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Lot.quantity), 0)).where(
            col(Lot.received_on) > since
        )
    ).scalar()
    return int(received or 0) / SUPPLY_WINDOW_DAYS


def overview(engine: Engine) -> Overview:
    served = load_installation(engine)
    now = served.now()
    with Session(engine) as session:
        policy = ration_store.current_policy(session)
        queue = queued(session, tz=served.timezone)
        free = sum(blanks_free(session).values())
        transit = in_transit(session)
        supply = supply_per_day(session, served.today())
        on_hand, _ = totals(session)
    records = [
        RationRecord(q.record_id, q.jenis_permohonan, q.queued_at, q.urgent, q.age) for q in queue
    ]
    return Overview(
        policy=policy,
        short=is_short(free, transit, len(queue)),
        on_hand=on_hand,
        in_transit=transit,
        waiting=len(queue),
        supply_per_day=supply,
        classes=per_class(records, policy, now, supply_per_day=supply, on_hand=free + transit),
    )

"""Roles and what each may do: one permissions table, checked by the dashboard and the
service facade alike (pure, no I/O).

A role that may not do an action does not see it on the dashboard, and ``require``
refuses it in the action layer too, so hiding a button is never the only guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cetak.errors import CetakError
from cetak.privacy import mask_nik


class Role(StrEnum):
    OPERATOR = "operator"
    STOCK_MANAGER = "stock_manager"
    SUPERVISOR = "supervisor"
    VIEWER = "viewer"


ROLE_LABELS: dict[Role, str] = {
    Role.OPERATOR: "Operator cetak",
    Role.STOCK_MANAGER: "Pengelola stok",
    Role.SUPERVISOR: "Kepala seksi",
    Role.VIEWER: "Pemantau",
}


class Action(StrEnum):
    PRINTER_STATE = "printer_state"
    QC = "qc"
    STOCK_RECEIPT = "stock_receipt"
    STOCK_TAKE = "stock_take"
    REORDER_UPDATE = "reorder_update"
    SHIPMENT_RECEIVE = "shipment_receive"
    DISCREPANCY_RESOLVE = "discrepancy_resolve"
    COLLECTION = "collection"
    REQUEUE = "requeue"  # send records that needed an operator back to the print queue
    VIEW_FULL_NIK = "view_full_nik"
    EXPORT_QUARANTINE = "export_quarantine"
    MANAGE_USERS = "manage_users"
    # A stock-take difference above the threshold is booked only when a supervisor approves.
    STOCK_COUNT_APPROVE = "stock_count_approve"
    # Recording devices, coverage figures and flash-disk deliveries (issue 14).
    RECORDING = "recording"
    # Rationing when blanks are short (issue 15): the policy, and urgent flags.
    RATION_POLICY = "ration_policy"
    URGENT_FLAG = "urgent_flag"
    URGENT_APPROVE = "urgent_approve"
    # The office profile: letterhead, signers, numbering (issue 13).
    OFFICE_SETTINGS = "office_settings"
    IKD = "ikd"  # IKD activations entered or imported (issue 15)
    LOAN = "loan"  # blanks lent to or borrowed from another regency (issue 15)


#: What staff read when an action is refused ("... tidak boleh <label>").
ACTION_LABELS: dict[Action, str] = {
    Action.PRINTER_STATE: "mengubah status printer",
    Action.QC: "memeriksa kartu (QC)",
    Action.STOCK_RECEIPT: "menerima stok blangko",
    Action.STOCK_TAKE: "mencatat stok opname",
    Action.REORDER_UPDATE: "memperbarui permintaan blangko",
    Action.SHIPMENT_RECEIVE: "mengonfirmasi penerimaan kiriman",
    Action.DISCREPANCY_RESOLVE: "menyelesaikan selisih kiriman",
    Action.COLLECTION: "mencatat pengambilan KTP-el",
    Action.REQUEUE: "mengantrekan ulang record yang perlu perhatian",
    Action.VIEW_FULL_NIK: "melihat NIK lengkap",
    Action.EXPORT_QUARANTINE: "mengekspor record karantina",
    Action.MANAGE_USERS: "mengelola pengguna",
    Action.STOCK_COUNT_APPROVE: "menyetujui selisih stok opname",
    Action.RECORDING: "mencatat alat perekaman dan cakupan",
    Action.RATION_POLICY: "mengubah kebijakan prioritas cetak",
    Action.URGENT_FLAG: "menandai permohonan mendesak",
    Action.URGENT_APPROVE: "menyetujui permohonan mendesak",
    Action.OFFICE_SETTINGS: "mengubah pengaturan kantor",
    Action.IKD: "mencatat aktivasi IKD",
    Action.LOAN: "meminjamkan atau meminjam blangko antarkabupaten",
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    # Operators hand cards to residents and must check the NIK against the person.
    Role.OPERATOR: frozenset(
        {
            Action.PRINTER_STATE,
            Action.QC,
            Action.SHIPMENT_RECEIVE,
            Action.DISCREPANCY_RESOLVE,
            Action.COLLECTION,
            Action.REQUEUE,
            Action.VIEW_FULL_NIK,
            Action.RECORDING,
            Action.URGENT_FLAG,
            Action.IKD,
        }
    ),
    Role.STOCK_MANAGER: frozenset(
        {
            Action.STOCK_RECEIPT,
            Action.STOCK_TAKE,
            Action.REORDER_UPDATE,
            Action.EXPORT_QUARANTINE,
            Action.IKD,
            Action.LOAN,
        }
    ),
    Role.SUPERVISOR: frozenset(Action),
    Role.VIEWER: frozenset(),
}


def _role(role: Role | str) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        return None


def _action(action: Action | str) -> Action | None:
    try:
        return Action(action)
    except ValueError:
        return None


def allowed(role: Role | str, action: Action | str) -> bool:
    """True when ``role`` may do ``action``; an unknown role or action is never allowed."""
    r, a = _role(role), _action(action)
    return r is not None and a is not None and a in PERMISSIONS[r]


@dataclass(frozen=True)
class Actor:
    """A logged-in member of staff. ``name`` is the user name stored in actor columns.

    ``via`` says where the user acts from: ``dashboard`` (logged in) or ``cli`` (named
    with ``--oleh`` / ``CETAK_USER``).
    """

    name: str
    role: Role
    via: str = "dashboard"

    def audit_name(self) -> str:
        """The actor written in ledger and event rows (``dashboard:kasi``, ``cli:kasi``)."""
        return f"{self.via}:{self.name}"


class Forbidden(CetakError):
    """The actor's role may not do the action; ``message`` is for staff (Indonesian)."""

    code = "access.forbidden"
    actor: Actor
    action: Action

    def __init__(self, actor: Actor, action: Action) -> None:
        super().__init__(actor=actor, role=actor.role, action=action)


def require(actor: Actor, action: Action) -> None:
    """Raise ``Forbidden`` unless the actor's role may do ``action``."""
    if not allowed(actor.role, action):
        raise Forbidden(actor, action)


def display_nik(nik: str, role: Role | str) -> str:
    """The NIK as this role may see it: whole for those who check it, else masked.

    The one policy is ``cetak.privacy.nik_for_role``; this name stays for its callers.
    """
    return nik if allowed(role, Action.VIEW_FULL_NIK) else mask_nik(nik)

"""Recording devices, coverage figures and flash-disk deliveries, written in the caller's
transaction (the application layer's use cases audit them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.models import utcnow
from recording.errors import (
    BadDeviceCode,
    DeliveryAlreadySent,
    DeviceExists,
    DeviceMoveRefused,
    UnknownDelivery,
    UnknownDevice,
)
from recording.models import (
    CoverageTarget,
    DeviceEvent,
    FlashDiskDelivery,
    RecordingDevice,
    RecordingDistance,
    RecordingReport,
)
from recording.rules import (
    Cause,
    DeviceState,
    Distance,
    Place,
    PlaceKind,
    Recording,
    RepairBy,
    Target,
    may_move,
)

_DEVICE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,59}$")


def _event(session: Session, device: RecordingDevice, before: str | None, actor: str) -> None:
    session.add(
        DeviceEvent(
            device_kode=device.kode,
            from_state=before,
            to_state=device.state,
            at=device.since,
            actor=actor,
            cause=device.cause,
            note=device.note,
            repair_by=device.repair_by,
            reported_on=device.reported_on,
        )
    )


def add_device(
    session: Session,
    *,
    kode: str,
    place: Place,
    year: int | None,
    actor: str,
    at: datetime | None = None,
) -> RecordingDevice:
    kode = kode.strip()
    if not _DEVICE_CODE.match(kode):
        raise BadDeviceCode(kode)
    if session.get(RecordingDevice, kode) is not None:
        raise DeviceExists(kode)
    moment = at or utcnow()
    device = RecordingDevice(
        kode=kode,
        place_kind=place.kind.value,
        kode_kecamatan=place.kode_kecamatan,
        year=year,
        state=DeviceState.BERFUNGSI.value,
        since=moment,
        created_at=moment,
    )
    session.add(device)
    session.flush()
    _event(session, device, None, actor)
    return device


def _locked(session: Session, kode: str) -> RecordingDevice:
    device = session.exec(
        select(RecordingDevice).where(RecordingDevice.kode == kode.strip()).with_for_update()
    ).first()
    if device is None:
        raise UnknownDevice(kode.strip())
    return device


def move_device(
    session: Session,
    kode: str,
    wanted: DeviceState,
    *,
    actor: str,
    at: datetime | None = None,
    cause: Cause | None = None,
    note: str | None = None,
    repair_by: RepairBy | None = None,
    reported_on: date | None = None,
    replaced_by: str | None = None,
) -> RecordingDevice:
    """Move a device to ``wanted`` and record the event. A breakdown sets its cause; a
    repair under way keeps the cause and sets who repairs and when central was told; back
    to working clears the breakdown's facts (they stay in the events)."""
    device = _locked(session, kode)
    current = DeviceState(device.state)
    if not may_move(current, wanted):
        raise DeviceMoveRefused(device.kode, current.value, wanted.value)
    before = device.state
    device.state = wanted.value
    device.since = at or utcnow()
    device.note = note
    if wanted is DeviceState.RUSAK:
        device.cause = (cause or Cause.LAINNYA).value
        device.repair_by = repair_by.value if repair_by else None
        device.reported_on = reported_on
    elif wanted is DeviceState.DALAM_PERBAIKAN:
        device.repair_by = repair_by.value if repair_by else device.repair_by
        device.reported_on = reported_on or device.reported_on
    elif wanted is DeviceState.BERFUNGSI:
        device.repair_by = repair_by.value if repair_by else device.repair_by
        device.cause = None
        device.reported_on = None
    elif wanted is DeviceState.DIGANTI:
        device.replaced_by = replaced_by
    session.add(device)
    session.flush()
    _event(session, device, before, actor)
    if wanted is DeviceState.BERFUNGSI:
        device.repair_by = None
    return device


def replace_device(
    session: Session,
    kode: str,
    new_kode: str,
    *,
    year: int | None,
    actor: str,
    at: datetime | None = None,
    note: str | None = None,
) -> RecordingDevice:
    """The broken device ``kode`` is replaced by ``new_kode`` at the same place."""
    old = _locked(session, kode)
    place = Place(kind=PlaceKind(old.place_kind), kode_kecamatan=old.kode_kecamatan)
    new = add_device(session, kode=new_kode, place=place, year=year, actor=actor, at=at)
    move_device(
        session, kode, DeviceState.DIGANTI, actor=actor, at=at, note=note, replaced_by=new.kode
    )
    return new


def devices(session: Session, *, include_gone: bool = False) -> list[RecordingDevice]:
    query = select(RecordingDevice).order_by(
        col(RecordingDevice.kode_kecamatan), col(RecordingDevice.kode)
    )
    if not include_gone:
        query = query.where(
            col(RecordingDevice.state).not_in([DeviceState.DIGANTI, DeviceState.DIHAPUS])
        )
    return list(session.exec(query))


def device_events(session: Session, kode: str) -> list[DeviceEvent]:
    return list(
        session.exec(
            select(DeviceEvent).where(DeviceEvent.device_kode == kode).order_by(col(DeviceEvent.id))
        )
    )


# --- imports -------------------------------------------------------------------------------


def store_targets(
    session: Session, rows: Sequence[Target], *, actor: str, at: datetime | None = None
) -> int:
    """Store wajib KTP figures; a figure already held for a kecamatan and semester is
    replaced (the regency corrected it)."""
    moment = at or utcnow()
    for row in rows:
        held = session.get(CoverageTarget, (row.kode_kecamatan, row.semester))
        if held is None:
            held = CoverageTarget(
                kode_kecamatan=row.kode_kecamatan,
                semester=row.semester,
                wajib_ktp=row.wajib_ktp,
                imported_at=moment,
                actor=actor,
            )
        else:
            held.wajib_ktp, held.imported_at, held.actor = row.wajib_ktp, moment, actor
        session.add(held)
    session.flush()
    return len(rows)


def store_recordings(
    session: Session,
    rows: Sequence[Recording],
    *,
    kumulatif: bool,
    actor: str,
    at: datetime | None = None,
) -> int:
    moment = at or utcnow()
    for row in rows:
        held = session.get(RecordingReport, (row.kode_kecamatan, row.tanggal, kumulatif))
        if held is None:
            held = RecordingReport(
                kode_kecamatan=row.kode_kecamatan,
                tanggal=row.tanggal,
                kumulatif=kumulatif,
                jumlah=row.jumlah,
                imported_at=moment,
                actor=actor,
            )
        else:
            held.jumlah, held.imported_at, held.actor = row.jumlah, moment, actor
        session.add(held)
    session.flush()
    return len(rows)


def store_distances(session: Session, rows: Iterable[Distance]) -> int:
    """The distance table is the file: what was held is replaced as a whole."""
    session.execute(sa.delete(RecordingDistance))
    n = 0
    for row in rows:
        session.add(RecordingDistance(dari=row.dari, ke=row.ke, km=row.km))
        n += 1
    session.flush()
    return n


def distances(session: Session) -> dict[tuple[str, str], float]:
    return {(d.dari, d.ke): d.km for d in session.exec(select(RecordingDistance))}


# --- flash-disk deliveries ---------------------------------------------------------------


def receive_flashdisk(
    session: Session,
    *,
    kode_kecamatan: str,
    jumlah: int,
    carried_by: str,
    received_by: str,
    actor: str,
    recorded_from: date | None = None,
    recorded_to: date | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> FlashDiskDelivery:
    delivery = FlashDiskDelivery(
        kode_kecamatan=kode_kecamatan,
        jumlah_rekaman=jumlah,
        recorded_from=recorded_from,
        recorded_to=recorded_to,
        carried_by=carried_by,
        received_by=received_by,
        received_at=at or utcnow(),
        note=note,
        actor=actor,
    )
    session.add(delivery)
    session.flush()
    return delivery


def send_flashdisk(
    session: Session, delivery_id: int, *, sent_by: str, at: datetime | None = None
) -> FlashDiskDelivery:
    delivery = session.exec(
        select(FlashDiskDelivery).where(FlashDiskDelivery.id == delivery_id).with_for_update()
    ).first()
    if delivery is None:
        raise UnknownDelivery(delivery_id)
    if delivery.sent_at is not None:
        raise DeliveryAlreadySent(delivery_id, delivery.sent_at.date().isoformat())
    delivery.sent_at = at or utcnow()
    delivery.sent_by = sent_by
    session.add(delivery)
    session.flush()
    return delivery


def flashdisk_deliveries(
    session: Session, *, kode_kecamatan: str | None = None, waiting_only: bool = False
) -> list[FlashDiskDelivery]:
    query = select(FlashDiskDelivery).order_by(col(FlashDiskDelivery.received_at).desc())
    if kode_kecamatan:
        query = query.where(FlashDiskDelivery.kode_kecamatan == kode_kecamatan)
    if waiting_only:
        query = query.where(col(FlashDiskDelivery.sent_at).is_(None))
    return list(session.exec(query))


def targets(session: Session) -> list[CoverageTarget]:
    return list(session.exec(select(CoverageTarget)))


def reports(session: Session) -> list[RecordingReport]:
    return list(session.exec(select(RecordingReport)))

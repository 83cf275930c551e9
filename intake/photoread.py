"""Reading and checking the photos of a batch, in-process or in a pool of processes.

A photo is kept when the delivery yields its bytes (``Delivery.read``: inside the batch,
a regular file, not too large) and they are a complete PNG or JPEG (``photo_media_type``).
Large batches read their photos in ``WORKERS`` processes (``PhotoReader``), so that reading
and checking them runs beside the rules and inserts of the parent; small ones in-process.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

from intake.delivery import Delivery, open_delivery
from intake.photos import photo_media_type

#: A checked photo: (bytes, media type), or None when it is missing or unreadable.
Photo = tuple[bytes, str] | None

WORKERS = 2
#: Below this many photos a batch is read in-process (starting workers costs more).
POOL_MIN_PHOTOS = 4_000


def read_photos(delivery: Delivery, rels: Sequence[str]) -> list[Photo]:
    """The checked photo for each relative path, in order."""
    out: list[Photo] = []
    for rel in rels:
        data = delivery.read(rel)
        media = photo_media_type(data)
        out.append((data, media) if data is not None and media else None)
    return out


_opened: dict[str, Delivery] = {}


def _worker_start() -> None:
    """A worker ends with its parent: a killed ingest leaves no process behind."""
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - only ever started as a pool worker
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _read_in_worker(path: str, rels: Sequence[str]) -> list[Photo]:
    """A worker keeps its delivery open (a zip's directory is read once per worker)."""
    delivery = _opened.get(path)
    if delivery is None:
        for old in _opened.values():
            old.close()
        _opened.clear()
        delivery = _opened[path] = open_delivery(Path(path))
    return read_photos(delivery, rels)


class PhotoReader:
    """Hands out photo reads: ``submit(rels)`` -> a callable giving the checked photos.

    With ``workers`` > 0 the reads run in that many processes (spawned: the parent may
    hold threads and database connections that a fork would copy), split evenly.
    """

    def __init__(self, delivery: Delivery, *, workers: int = 0) -> None:
        self._delivery = delivery
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_start,
            )

    def submit(self, rels: Sequence[str]) -> Callable[[], list[Photo]]:
        if self._pool is None or not rels:
            photos = read_photos(self._delivery, rels)
            return lambda: photos
        size = -(-len(rels) // self._workers)
        path = str(self._delivery.path)
        parts: list[Future[list[Photo]]] = [
            self._pool.submit(_read_in_worker, path, list(rels[i : i + size]))
            for i in range(0, len(rels), size)
        ]
        return lambda: [photo for part in parts for photo in part.result()]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PhotoReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

"""Cetak: print-production and blank-stock engine for an e-KTP print room.

The shared core lives here: settings, storage, the card's life as data, regions
and the command line. Domain packages (``intake``, ``inventory``, ``printers``)
and the Prefect flows (``workflows``) build on it.
"""

__version__ = "0.1.0"

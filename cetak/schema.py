"""Imports every module that defines tables, so the metadata is complete."""

from cetak import models  # noqa: F401

"""Imports every module that defines tables, so the metadata is complete."""

from cetak import models  # noqa: F401
from cetak import users as user_models  # noqa: F401
from distribution import models as distribution_models  # noqa: F401
from inventory import models as inventory_models  # noqa: F401
from printers import models as printer_models  # noqa: F401
from recording import models as recording_models  # noqa: F401

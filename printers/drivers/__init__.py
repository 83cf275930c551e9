"""Card printer drivers behind one small interface (``printers.drivers.base``)."""

"""Card printers: rendering, drivers and the print scheduler (issue: print production)."""

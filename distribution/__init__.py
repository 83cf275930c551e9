"""Distribution: printed cards travel to the resident's kecamatan and into the resident's hand."""

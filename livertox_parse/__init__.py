"""livertox_parse."""

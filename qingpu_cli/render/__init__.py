"""Rendering: the machine formats, the screens for people, the fact sheet and the SQLite export."""

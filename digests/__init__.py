"""Hindi text processing for Khabar: pure functions, no I/O, no clock, no database."""

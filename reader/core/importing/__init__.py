"""Turning saved pages (bytes on disk) into clean articles; no database here."""

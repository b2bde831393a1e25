"""Printable documents: letters and signed consent copies (decision 0026)."""

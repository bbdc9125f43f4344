"""Outputs people read: charts (server-rendered SVG) and documents (HTML, PDF, JSON)."""

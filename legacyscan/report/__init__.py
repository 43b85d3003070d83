"""Report stage: one renderer per format (scan.json, HTML)."""

"""Final authentic versions: clean text, PDF/A, manifest, verification, signatures."""

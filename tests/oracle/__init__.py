"""LibreOffice headless as an independent client that checks the Word files we write."""

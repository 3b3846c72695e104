"""Bulletins (通报) as .docx and .pdf, one module per subject."""

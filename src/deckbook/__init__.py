"""deckbook: one course in Markdown, two artefacts — an editable PPTX deck and a print-ready PDF handbook."""

__version__ = "0.1.0"

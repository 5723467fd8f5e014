"""Shared logic of the PAN-X multilingual NER pipeline; the DVC stages in `stages/` stay thin."""

"""Views of the assessment app: schemes, periods, data entry, review (thin; rules in services)."""

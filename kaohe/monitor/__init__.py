"""经济运行监测 (monitor): filled in by its issue."""

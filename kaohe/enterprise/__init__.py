"""服务企业 (enterprise): filled in by its issue."""

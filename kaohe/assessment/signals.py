"""Signals other apps listen to (the results app scores on them).

- ``period_approved(sender, version, period)``: every submission due for the
  period under the version is approved (sent once, when the last one is).
- ``values_corrected(sender, version, period, units, indicators)``: locked values
  were corrected by the office; results computed from them are stale.
"""

from django.dispatch import Signal

period_approved = Signal()
values_corrected = Signal()

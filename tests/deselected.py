"""Tests that cannot run on our machines, deselected by node id, each with its reason.

This is the one list: with ``CI=true`` every other test must run, and a test that skips
fails the run (see ``tests/conftest.py``). Empty today — everything kaohe needs is installed
by ``.ci/run``. An entry looks like::

    "tests/engine/test_x.py::test_needs_a_gpu": "needs a GPU; CI machines have none",
"""

DESELECTED: dict[str, str] = {}

#!/usr/bin/env python
"""Development entry point; the installed equivalent is the `kaohe` command."""

from kaohe.cli import main

if __name__ == "__main__":
    main()

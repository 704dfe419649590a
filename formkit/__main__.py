"""`python -m formkit`; guarded, so that worker processes (spawn) never run the CLI."""

import sys

from formkit.cli import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # a frozen Windows build starts its workers through this entry point
        from multiprocessing import freeze_support

        freeze_support()
    main()

"""`python -m formkit`; guarded, so that worker processes (spawn) never run the CLI."""

from multiprocessing import freeze_support

from formkit.cli import main

if __name__ == "__main__":
    freeze_support()  # a frozen Windows build starts its workers through this entry point
    main()

"""`python -m legacyscan` runs the command line."""

from legacyscan.cli import main

main()

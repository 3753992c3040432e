"""`python -m pipelines`: see pipelines/cli/commands.py."""
import sys

from pipelines.cli.commands import main

sys.exit(main())

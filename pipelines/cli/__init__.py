"""The command line (`python -m pipelines`, `latent-lab`): sweep, study, datasets, methods."""

from pipelines.cli.commands import main  # noqa: F401

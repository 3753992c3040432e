"""Data: built-in datasets, CSV files, and the seeded split with its scaling."""

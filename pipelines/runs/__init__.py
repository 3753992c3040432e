"""Runs: their identity (`RunSpec`), plans, executors (in-process, Ray), the one resolver, the store and the
transport of results."""

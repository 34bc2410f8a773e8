"""Benchmarks (not tests): `make bench` or `python -m bench` runs every bench_*.py."""

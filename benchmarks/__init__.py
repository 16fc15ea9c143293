"""Benchmarks: minigluon against raw numpy and (when installed) PyTorch CPU."""

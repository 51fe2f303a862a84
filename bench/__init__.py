"""Benchmarks (`make bench`): each module has `main(out_dir: Path) -> dict` and writes
`reports/bench/<name>.json`; `python -m bench.run [name ...]` runs them and writes a summary."""

"""The methodology note and the slides, generated from the measured results (``reports/``,
benchmarks, CI and git history). Not machine learning: it reads what the pipeline wrote."""

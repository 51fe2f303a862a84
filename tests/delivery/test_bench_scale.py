"""The scale benchmark: why a step failed in one readable line, memory by role, rates beside
their ceilings."""
import sys

from bench.scale import _rate, _spark_processes, failure_line, measure

JAVA_FAILURE = """\
26/11/25 12:01:02 WARN TaskSetManager: Lost task 3.0
py4j.protocol.Py4JJavaError: An error occurred while calling o123.collectToPython.
: java.lang.OutOfMemoryError: Java heap space
\tat org.apache.spark.util.io.SerializerHelper.serializeToChunkedBuffer(SerializerHelper.scala:42)
\tat org.apache.spark.scheduler.DAGScheduler.runJob(DAGScheduler.scala:989)
"""

PYTHON_FAILURE = """\
Traceback (most recent call last):
  File "/work/ml/__main__.py", line 55, in <module>
    sys.exit(main())
MemoryError: Unable to allocate 7.45 GiB for an array
"""


def test_a_java_failure_is_named_by_its_exception_not_its_last_stack_frame():
    line = failure_line(JAVA_FAILURE)
    assert line == ": java.lang.OutOfMemoryError: Java heap space"


def test_a_python_failure_is_named_by_its_exception():
    assert failure_line(PYTHON_FAILURE).startswith("MemoryError: Unable to allocate")


def test_the_pipelines_own_error_line_is_kept():
    output = "progress 40%\nerror: missing table bureau.parquet in data/scale/1000000\n"
    assert failure_line(output) == "error: missing table bureau.parquet in data/scale/1000000"


def test_an_output_without_any_error_falls_back_to_its_last_line_or_failed():
    assert failure_line("step 1\nKilled\n") == "Killed"
    assert failure_line("") == "failed"


CHILD = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
         "'import time; block = bytearray(300_000_000); block[::4096] = b\"x\" * len(block[::4096]); "
         "time.sleep(1.5)'], check=True)")


def test_memory_is_sampled_by_role_over_the_process_tree():
    """The command's own Python is the driver; a Python it starts counts as a worker."""
    result = measure([sys.executable, "-c", CHILD])
    assert result["returncode"] == 0
    roles = result["peak_rss_by_role_gb"]
    assert roles["python_workers"] >= 0.3 > roles["driver_python"]
    assert result["peak_rss_gb"] >= roles["python_workers"] + roles["driver_python"] - 0.01


def test_a_rate_is_reported_beside_its_ceiling_with_the_ratio():
    step = {"wall_s": 50.0, "returncode": 0}
    _rate(step, 1_000_000, 40_000.0)
    assert step == {"wall_s": 50.0, "returncode": 0, "clients_per_s": 20_000,
                    "ceiling_clients_per_s": 40_000, "ratio_to_ceiling": 0.5}
    failed = {"wall_s": 3.0, "returncode": 1}
    _rate(failed, 1_000_000, 40_000.0)
    assert "clients_per_s" not in failed, "a failed step has no rate"


def test_spark_scores_in_as_many_workers_as_local_threads():
    assert _spark_processes("local[2]") == 2
    assert _spark_processes("spark://master:7077") == 1

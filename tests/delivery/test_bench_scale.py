"""The scale benchmark reports why a step failed in one readable line."""
from bench.scale import failure_line

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

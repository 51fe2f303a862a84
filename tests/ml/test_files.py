"""The one atomic folder write (synth, features, batch scores) and the readers of a Parquet
table written as one file (DuckDB) or as a folder of part files (Spark)."""
from pathlib import Path

import pandas as pd
import pytest

from ml.data.files import atomic_folder, content_paths, dataset_schema, read_clients
from ml.model.registry import fingerprint


def test_a_finished_folder_replaces_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("previous run")
    with atomic_folder(out) as staging:
        assert staging.parent == tmp_path and staging.name.startswith(".out.tmp-")
        (staging / "new.txt").write_text("this run")
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "nothing left behind"


@pytest.mark.parametrize("failure", ["exception", "check"])
def test_a_failed_run_leaves_the_previous_folder_untouched(tmp_path: Path, failure: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("previous run")

    def refuse(folder: Path) -> None:
        raise RuntimeError("incomplete")

    with pytest.raises(RuntimeError):
        with atomic_folder(out, check=refuse if failure == "check" else None) as staging:
            (staging / "half.txt").write_text("half written")
            if failure == "exception":
                raise RuntimeError("disk full")
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_killed_runs_leftovers_are_removed_by_the_next_run(tmp_path: Path) -> None:
    stale = tmp_path / ".out.tmp-deadbeef0000"
    stale.mkdir()
    with atomic_folder(tmp_path / "out"):
        pass
    assert not stale.exists()


def _spark_like(folder: Path, frame) -> None:  # noqa: ANN001 (pandas or pyarrow table)
    """A folder of part files with Spark's markers (``_SUCCESS``, hidden ``.crc`` files)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir()
    table = (frame if isinstance(frame, pa.Table)  # one schema for every part
             else pa.Table.from_pandas(frame, preserve_index=False))
    half = len(table) // 2
    pq.write_table(table.slice(0, half), folder / "part-00000-a.snappy.parquet")
    pq.write_table(table.slice(half), folder / "part-00001-a.snappy.parquet")
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-00000-a.snappy.parquet.crc").write_text("crc")


def test_clients_keep_their_nullable_dtypes_from_a_file_or_a_folder(tmp_path: Path) -> None:
    import duckdb

    single = tmp_path / "clients.parquet"
    duckdb.sql("SELECT 100002::BIGINT AS SK_ID_CURR, NULL::TINYINT AS TARGET, "
               "2::BIGINT AS CNT_CHILDREN, NULL::VARCHAR AS CODE_GENDER UNION ALL "
               "SELECT 100003, 1::TINYINT, NULL::BIGINT, 'F'").write_parquet(str(single))
    from_file = read_clients(single)
    assert str(from_file["TARGET"].dtype) == "Int8" and str(from_file["CNT_CHILDREN"].dtype) == "Int64"
    assert from_file["SK_ID_CURR"].dtype == "int64"
    assert from_file["TARGET"].isna().tolist() == [True, False]
    assert from_file["CODE_GENDER"].tolist()[0] is None
    folder = tmp_path / "clients-spark.parquet"
    import pyarrow.parquet as pq

    _spark_like(folder, pq.read_table(single))  # as Spark writes it: no pandas metadata
    pd.testing.assert_frame_equal(read_clients(folder), from_file)
    assert dataset_schema(folder).names == dataset_schema(single).names


def test_the_training_fingerprint_reads_a_folders_part_files_only(tmp_path: Path) -> None:
    frame = pd.DataFrame({"SK_ID_CURR": range(10), "x": [float(i) for i in range(10)]})
    folder = tmp_path / "features_train.parquet"
    _spark_like(folder, frame)
    assert [p.name for p in content_paths(folder)] == ["part-00000-a.snappy.parquet",
                                                       "part-00001-a.snappy.parquet"]
    before = fingerprint([folder])
    (folder / "_SUCCESS").write_text("another marker")
    assert fingerprint([folder]) == before, "markers are not data"
    frame.assign(x=0.0).iloc[5:].to_parquet(folder / "part-00001-a.snappy.parquet", index=False)
    assert fingerprint([folder]) != before, "a changed part changes the fingerprint"

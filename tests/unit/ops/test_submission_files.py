"""Reading sequence and jobs files: every bad input gives one line naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pasqal_tui.ops import submission as jobfiles
from pasqal_tui.ops.submission import JobFileError, load_jobs, load_sequence, parse_typed_job

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DECLARED = {"omega": {"dtype": "float", "size": 1}, "duration": {"dtype": "int", "size": 1}}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_examples_load_with_their_variables() -> None:
    seq = load_sequence(EXAMPLES / "rabi.json")
    assert seq.variables == DECLARED
    jobs = load_jobs(EXAMPLES / "rabi-jobs.yaml", seq.variables)
    assert len(jobs) == 10
    assert jobs[0].runs == 100
    assert jobs[2].variables == {"omega": 6.283185, "duration": 300}
    assert isinstance(jobs[2].variables["duration"], int)
    assert jobs[1].line == 6  # a comment line, then 4 lines per job


def test_jobs_from_json_and_int_widened_to_float(tmp_path: Path) -> None:
    path = write(tmp_path, "jobs.json", '[{"runs": 5, "variables": {"omega": 3, "duration": 16}}]')
    (job,) = load_jobs(path, DECLARED)
    assert job.variables == {"omega": 3.0, "duration": 16}
    assert isinstance(job.variables["omega"], float)


def test_malformed_sequence_json_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "seq.json", '{\n  "register": [],\n  "operations": [,]\n}\n')
    with pytest.raises(JobFileError) as err:
        load_sequence(path)
    assert err.value.line == 3
    assert str(err.value).startswith(f"{path} line 3: not valid JSON")


def test_json_that_is_not_a_sequence(tmp_path: Path) -> None:
    path = write(tmp_path, "seq.json", '{"jobs": []}')
    with pytest.raises(JobFileError, match=r"seq\.json: is not a Pulser abstract representation"):
        load_sequence(path)


def test_yaml_with_a_wrong_type_names_line_and_field(tmp_path: Path) -> None:
    text = "- runs: 10\n  variables: {omega: 1.0, duration: 100}\n- runs: ten\n  variables: {}\n"
    path = write(tmp_path, "jobs.yaml", text)
    with pytest.raises(JobFileError) as err:
        load_jobs(path, DECLARED)
    assert str(err.value) == (
        f"{path} line 3: jobs[1].runs: must be a positive whole number, got text 'ten'"
    )


def test_variable_of_a_wrong_type(tmp_path: Path) -> None:
    text = "- runs: 10\n  variables:\n    omega: fast\n    duration: 100\n"
    path = write(tmp_path, "jobs.yaml", text)
    with pytest.raises(JobFileError) as err:
        load_jobs(path, DECLARED)
    assert err.value.line == 3
    assert err.value.field == "jobs[0].variables.omega"
    assert "must be a number (float), got text 'fast'" in str(err.value)


def test_int_variable_refuses_a_fraction(tmp_path: Path) -> None:
    path = write(tmp_path, "j.yaml", "- runs: 1\n  variables: {omega: 1, duration: 10.5}\n")
    with pytest.raises(JobFileError, match=r"duration: must be a whole number \(int\), got 10.5"):
        load_jobs(path, DECLARED)


def test_missing_variable(tmp_path: Path) -> None:
    path = write(tmp_path, "j.yaml", "- runs: 1\n  variables: {omega: 1.0}\n- runs: 2\n")
    with pytest.raises(JobFileError) as err:
        load_jobs(path, DECLARED)
    assert str(err.value) == (
        f"{path} line 2: jobs[0].variables: missing duration "
        "(the sequence declares omega, duration)"
    )


def test_extra_variable_names_its_own_line(tmp_path: Path) -> None:
    text = "- runs: 1\n  variables:\n    omega: 1.0\n    duration: 10\n    phase: 0.5\n"
    path = write(tmp_path, "j.yaml", text)
    with pytest.raises(JobFileError) as err:
        load_jobs(path, DECLARED)
    assert err.value.line == 5
    assert err.value.field == "jobs[0].variables.phase"
    assert "not declared by the sequence (it declares omega, duration)" in str(err.value)


@pytest.mark.parametrize("runs", ["0", "-3", "2.5", "true", "null"])
def test_runs_must_be_a_positive_integer(tmp_path: Path, runs: str) -> None:
    text = f"- runs: 5\n  variables: {{omega: 1, duration: 9}}\n- runs: {runs}\n"
    path = write(tmp_path, "j.yaml", text)
    with pytest.raises(JobFileError) as err:
        load_jobs(path, DECLARED)
    assert err.value.line == 3
    assert err.value.field == "jobs[1].runs"


def test_runs_missing_and_unknown_key(tmp_path: Path) -> None:
    path = write(tmp_path, "j.yaml", "- variables: {omega: 1, duration: 9}\n")
    with pytest.raises(JobFileError, match=r"line 1: jobs\[0\]: runs is missing"):
        load_jobs(path, DECLARED)
    path = write(
        tmp_path, "k.yaml", "- runs: 1\n  variables: {omega: 1, duration: 9}\n  shots: 3\n"
    )
    with pytest.raises(JobFileError, match=r"line 3: jobs\[0\].shots: unknown key"):
        load_jobs(path, DECLARED)


def test_not_a_list_and_empty(tmp_path: Path) -> None:
    with pytest.raises(JobFileError, match="must be a list of jobs"):
        load_jobs(write(tmp_path, "a.yaml", "runs: 3\n"), DECLARED)
    with pytest.raises(JobFileError, match="has no job"):
        load_jobs(write(tmp_path, "b.yaml", "[]\n"), DECLARED)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "j.yaml", "- runs: 1\n  variables: {omega: 1, duration: 9\n- runs: 2\n")
    with pytest.raises(JobFileError) as err:
        load_jobs(path, DECLARED)
    assert "not valid YAML" in str(err.value)
    assert err.value.line is not None


def test_broken_jobs_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "j.json", '[\n {"runs": 1,}\n]')
    with pytest.raises(JobFileError) as err:
        load_jobs(path, DECLARED)
    assert err.value.line == 2
    assert "not valid JSON" in str(err.value)


def test_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)
    with pytest.raises(JobFileError, match=r"huge\.json: is 20\.0 MiB, more than the 10\.0 MiB"):
        load_sequence(path)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "seq.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(JobFileError, match="is a binary file, not text"):
        load_sequence(path)
    latin = tmp_path / "jobs.yaml"
    latin.write_bytes(b"- runs: 1\n  variables: {omega: \xe9}\n")
    with pytest.raises(JobFileError, match="line 2: is not UTF-8 text"):
        load_jobs(latin, DECLARED)


def test_missing_path_and_folder(tmp_path: Path) -> None:
    with pytest.raises(JobFileError, match=r"nope\.json: no such file"):
        load_sequence(tmp_path / "nope.json")
    with pytest.raises(JobFileError, match="is a folder, not a file"):
        load_jobs(tmp_path, DECLARED)
    with pytest.raises(JobFileError, match="type the path of a file"):
        load_sequence("  ")


def test_array_variables(tmp_path: Path) -> None:
    declared = {"amps": {"dtype": "float", "size": 3}}
    (job,) = load_jobs(
        write(tmp_path, "j.yaml", "- runs: 2\n  variables: {amps: [1, 2, 3]}\n"), declared
    )
    assert job.variables == {"amps": [1.0, 2.0, 3.0]}
    with pytest.raises(JobFileError, match="must be a list of 3 float values"):
        load_jobs(write(tmp_path, "k.yaml", "- runs: 2\n  variables: {amps: [1, 2]}\n"), declared)


def test_typed_rows_of_the_editor() -> None:
    job = parse_typed_job(0, "50", {"omega": "3.14", "duration": "200"}, DECLARED)
    assert job.runs == 50 and job.variables == {"omega": 3.14, "duration": 200}
    with pytest.raises(JobFileError, match=r"^editor row 2: runs: must be at least 1, got 0$"):
        parse_typed_job(1, "0", {"omega": "1", "duration": "2"}, DECLARED)
    with pytest.raises(JobFileError, match=r"^editor row 1: duration: type a value$"):
        parse_typed_job(0, "1", {"omega": "1", "duration": " "}, DECLARED)
    with pytest.raises(JobFileError, match=r"^editor row 1: omega: must be a number"):
        parse_typed_job(0, "1", {"omega": "x", "duration": "2"}, DECLARED)


def test_validate_against_another_sequence() -> None:
    jobs = [jobfiles.JobEntry(runs=1, variables={"omega": 1.0, "duration": 5}, line=4)]
    jobfiles.validate_jobs(jobs, DECLARED, "jobs.yaml")
    with pytest.raises(
        JobFileError, match=r"jobs.yaml line 4: jobs\[0\].variables: missing t_sweep"
    ):
        jobfiles.validate_jobs(jobs, {"t_sweep": {"dtype": "int", "size": 1}}, "jobs.yaml")


def test_pulser_reads_the_sequence(tmp_path: Path) -> None:
    good = load_sequence(EXAMPLES / "rabi.json")
    assert jobfiles.check_with_pulser(good, "rabi.json") is True
    document = json.loads(good.text)
    document["operations"][0]["op"] = "bogus"
    path = write(tmp_path, "bad.json", json.dumps(document))
    bad = load_sequence(path)  # structurally fine: register, operations, variables
    with pytest.raises(JobFileError) as err:
        jobfiles.check_with_pulser(bad, "bad.json")
    assert str(err.value) == "bad.json: not a valid Pulser sequence (at $.operations[0])"

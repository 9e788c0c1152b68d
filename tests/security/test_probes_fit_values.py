"""Probes of issue 17: bad values in a fit file or on the command line end in a typed error
naming the culprit (``neurokit fit`` exits with status 2 and one ``error:`` line), never a
traceback and never a fit that silently runs on something else."""

from __future__ import annotations

import pytest

from neurokit.cli.main import main

FIT = ["--quiet", "--no-figure"]


def _fails(capsys, args, *needles):
    code = main(["fit", *map(str, args), *FIT])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: "), err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize("old,new,needles", [
    ("weight = 0.5", "weight = nan", ("weight", "finite")),
    ("E_L = [-80, -55]", "E_L = { bounds = [-80, -55], start = -20 }", ("E_L", "start", "outside")),
    ('t_ref = "2 ms"', 't_ref = "-5 ms"', ("t_ref", "physical range")),
    ('sampling_interval = "1 ms"', 'sampling_interval = "1 ms"\nwindow = ["0 s", "200 s"]',
     ("window", "after the end of recording")),
], ids=["weight-nan", "start-outside-bounds", "t_ref-negative", "window-beyond-recording"])
def test_a_bad_value_is_a_typed_error(capsys, tmp_path, fit_file, old, new, needles):
    _fails(capsys, [fit_file(replace={old: new}), "--budget", "32", "--output", tmp_path / "out"], *needles)


@pytest.fixture
def finished(tmp_path, fit_file, capsys):
    """A finished seed-1 fit of 32 evaluations in tmp_path/out."""
    out = tmp_path / "out"
    assert main(["fit", str(fit_file(budget=32, seed=1)), "--output", str(out), *FIT]) == 0
    capsys.readouterr()
    return out


def test_resume_after_the_parameter_list_changed_is_refused(capsys, fit_file, finished):
    other = fit_file(name="other.toml", budget=32, replace={"V_th = [-60, -40]\n": ""})
    _fails(capsys, [other, "--resume", "--output", finished], "parameter list changed")


def test_resume_with_another_seed_is_refused(capsys, fit_file, finished):
    _fails(capsys, [fit_file(budget=32, seed=1), "--resume", "--seed", "7", "--output", finished],
           "seed 1 in the checkpoint vs seed 7 now")

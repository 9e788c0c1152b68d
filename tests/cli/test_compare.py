"""``neurokit compare``: several fits scored on the same held-out sweeps, in one table."""

from cli.test_predict import ABF, tiny_fit


def test_compare_scores_every_fit_on_the_same_sweeps(run, tmp_path):
    a = tiny_fit(tmp_path, "tiny_a", seed=1)
    b = tiny_fit(tmp_path, "tiny_b", seed=2)
    r = run("compare", a, b, "--on", ABF, "--sweeps", "13,14", "--json")
    assert r.code == 0, r.err
    got = r.json()
    assert [f["fit"] for f in got["fits"]] == ["tiny_a", "tiny_b"]
    assert {f["data_spikes"] for f in got["fits"]} == {len(got["fits"]) and got["fits"][0]["data_spikes"]}
    single = run("predict", b, ABF, "--sweeps", "13,14", "--json").json()
    assert got["fits"][1]["mean_gamma"] == single["overall"]["mean_gamma"]
    table = run("compare", a, tmp_path / "results" / "tiny_b-seed2", "--on", ABF, "--sweeps", "13,14")
    assert table.code == 0 and "| tiny_a | lif (point) | native |" in table.out and "tiny_b" in table.out

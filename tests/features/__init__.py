"""Tests of neurokit.features (a package, so its module names do not clash with tests/)."""

"""Tests of neurokit.plot (a package, so its module names do not clash with tests/)."""

"""Tests of the ``neurokit`` command (a package, so its module names do not clash with tests/)."""

"""The ``neurokit`` command: one module per command group, found by :func:`main.cli`."""

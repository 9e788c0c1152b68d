"""Entry point of the ``neurokit`` command.

Each module of this package that defines a click command or group named ``command`` is added
to the CLI (``info.py``, ``inspect.py``, ``plot.py``, ``fit.py``, ``sweep.py``...), so separate
pieces of work add commands without editing a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from neurokit import __version__
from neurokit.errors import NeurokitError


class _LazyGroup(click.Group):
    def _modules(self):
        import neurokit.cli as pkg

        return [m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name not in ("main",)
                and not m.name.startswith("_")]

    def list_commands(self, ctx):
        return sorted(self._modules())

    def get_command(self, ctx, name):
        if name not in self._modules():
            return None
        module = importlib.import_module(f"neurokit.cli.{name}")
        return getattr(module, "command", None)


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="neurokit")
def cli():
    """neurokit: neuron models fitted to recordings, at the granularity the question needs."""


def main(argv=None) -> int:
    """Run the CLI; neurokit errors print one clear line and exit with status 2."""
    try:
        cli.main(args=argv, standalone_mode=False)
    except NeurokitError as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Brian2's global state for the length of one ``simulate`` call, and standalone builds.

Brian2 keeps a current device, preferences and the default clock globally. A
:func:`brian2_session` sets them for one call (code-generation target, Cython cache folder,
OpenMP threads, standalone device and its project folder, ``defaultclock.dt``) and restores
every one of them afterwards, so two simulators with different targets never see each
other's settings and the user's own Brian2 code is left as it was.

A standalone project is compiled once per session (:meth:`Session.build`) and rerun with
Brian2's ``run_args`` (:meth:`Session.run`): new parameter sets never recompile. A kept
``build_dir`` is reused by later calls; Brian2 rewrites only changed files and make rebuilds
nothing when the structure is unchanged.

Also here: the unit helpers every Brian2 model builder shares (Brian2 unit names for equation
declarations, the display unit of a recorded variable) and the timing plan of monitors.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import tempfile
import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from neurokit import schema
from neurokit.errors import BackendError, UnitError
from neurokit.units import brian2_module, conversion_factor, display_unit, parse_unit

RUNTIME_TARGETS = ("cython", "numpy")
STANDALONE_TARGETS = ("cpp_standalone", "cuda_standalone")
TARGETS = RUNTIME_TARGETS + STANDALONE_TARGETS
_SAVED_PREFS = ("codegen.target", "codegen.runtime.cython.cache_dir", "devices.cpp_standalone.openmp_threads")


def target_unavailable_reason(target: str) -> str:
    """Why Brian2 target ``target`` cannot run here (empty if it can)."""
    from neurokit.codegen.build import find_compiler

    if target not in TARGETS:
        return f"unknown Brian2 target {target!r}; use one of {', '.join(TARGETS)}"
    if importlib.util.find_spec("brian2") is None:
        return "brian2 is not installed"
    if target == "numpy":
        return ""
    if find_compiler() is None:
        return "no C/C++ compiler found"
    if target == "cython" and importlib.util.find_spec("Cython") is None:
        return "Cython is not installed"
    if target in STANDALONE_TARGETS and shutil.which("make") is None:
        return "'make' is not installed"
    if target == "cuda_standalone":
        if importlib.util.find_spec("brian2cuda") is None:
            return "brian2cuda is not installed"
        if shutil.which("nvcc") is None:
            return "the CUDA compiler nvcc is not on PATH"
    return ""


@dataclass
class Session:
    """What one simulate call uses of Brian2: target, device, project folder, counters."""

    target: str
    threads: int | None = None
    device: object = None
    directory: str | None = None
    builds: int = 0
    runs: int = 0
    timings: dict = field(default_factory=dict)

    @property
    def standalone(self) -> bool:
        return self.target in STANDALONE_TARGETS

    def build(self) -> None:
        """Compile the standalone project of the objects run so far (once per session)."""
        t0 = _time.perf_counter()
        try:
            self.device.build(directory=self.directory, compile=True, run=False, with_output=False)
        except Exception as exc:  # Brian2 and the compiler raise many types
            raise BackendError(f"Brian2 {self.target} project in {self.directory} "
                               f"failed to build: {exc}") from exc
        self.builds += 1
        self.timings["build_s"] = _time.perf_counter() - t0

    def run(self, run_args: dict) -> None:
        """Run the compiled project once, with ``run_args`` (Brian2 variable -> value)."""
        try:
            self.device.run(directory=self.directory, with_output=False, run_args=run_args)
        except Exception as exc:  # a crashed binary raises RuntimeError, a bad argument others
            raise BackendError(f"Brian2 {self.target} project in {self.directory} "
                               f"failed to run: {exc}") from exc
        self.runs += 1

    def attrs(self, model_name: str, protocol) -> dict:
        """Provenance attributes of a result made in this session."""
        return schema.provenance_attrs(
            model=model_name, backend="brian2", target=self.target,
            brian2_version=brian2_module().__version__, threads=self.threads,
            protocol=protocol.to_json(summary=True), dt_s=float(protocol.dt),
            sampling_interval_s=float(protocol.sampling_interval), seed=int(protocol.seed),
            standalone_builds=self.builds if self.standalone else None,
            standalone_runs=self.runs if self.standalone else None)


@contextlib.contextmanager
def brian2_session(target: str, dt: float, threads: int | None = None,
                   build_dir: Path | None = None) -> Iterator[Session]:
    """Set Brian2's preferences, device and clock for one call; restore them on exit.

    Parameters
    ----------
    target : str
        One of :data:`TARGETS`.
    dt : float
        Integration step in s (every object runs on the default clock).
    threads : int, optional
        OpenMP threads of a standalone project (default 0: no OpenMP).
    build_dir : Path, optional
        Standalone project folder, kept afterwards; default a temporary folder under the
        neurokit cache, deleted on exit.
    """
    b2 = brian2_module()
    from brian2 import prefs
    from brian2.devices.device import all_devices, reset_device, set_device

    from neurokit.codegen.build import cache_dir

    saved = {key: prefs[key] for key in _SAVED_PREFS}
    old_dt = b2.defaultclock.dt
    session = Session(target, threads)
    temp = None
    try:
        prefs["codegen.runtime.cython.cache_dir"] = str(cache_dir("brian2") / "cython")
        if not session.standalone:
            prefs["codegen.target"] = target
            # One clock keeps a standalone main.cpp identical between builds (Brian2 orders
            # several clocks by hash); runtime targets use the same single clock.
            b2.defaultclock.dt = dt * b2.second
            yield session
            return
        if target == "cuda_standalone":
            import brian2cuda  # noqa: F401  registers the device

        if build_dir is not None:
            directory = Path(build_dir)
            directory.mkdir(parents=True, exist_ok=True)
        else:
            directory = temp = Path(tempfile.mkdtemp(prefix="standalone-", dir=cache_dir("brian2")))
        prefs["devices.cpp_standalone.openmp_threads"] = threads or 0
        all_devices[target].reinit()
        set_device(target, build_on_run=False, directory=str(directory))
        session.device, session.directory = b2.get_device(), str(directory)
        b2.defaultclock.dt = dt * b2.second
        try:
            yield session
        finally:
            session.device.reinit()
            reset_device()
    finally:
        b2.defaultclock.dt = old_dt
        for key, value in saved.items():
            prefs[key] = value
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


# --------------------------------------------------------------------------- units
def equation_unit(unit: str) -> str:
    """The Brian2 base-unit name that declares a variable of ``unit`` in equations
    (``"pA"`` -> ``"amp"``, ``"nS"`` -> ``"siemens"``, ``"1"`` -> ``"1"``)."""
    from brian2.units.fundamentalunits import get_dimensions, get_unit

    dim = get_dimensions(parse_unit(unit))
    return "1" if dim.is_dimensionless else repr(get_unit(dim))


def shown_unit(dim) -> tuple[str, float]:
    """Display unit of a Brian2 dimension (:func:`neurokit.units.display_unit`) and the
    factor from SI numbers to numbers in it."""
    from brian2.units.fundamentalunits import get_unit

    si = "1" if dim.is_dimensionless else repr(get_unit(dim))
    try:
        shown = display_unit(si)
        return shown, conversion_factor(si, shown)
    except UnitError:  # a compound SI unit the parser does not spell: keep SI numbers
        return str(dim), 1.0


# --------------------------------------------------------------------------- timing
def settle_and_steps(protocol) -> tuple[int, int]:
    """Steps of the settling period and of the protocol proper."""
    return int(round(protocol.settle / protocol.dt)), protocol.n_steps


def monitor_plan(protocol, standalone: bool) -> tuple[float | None, int, int]:
    """(monitor dt in s or None for the default clock, samples to drop for the settling
    period, stride) so that the kept samples fall at ``protocol.recorded_time()``. Standalone
    monitors run on the default clock (a second clock would make builds differ)."""
    n_settle = int(round(protocol.settle / protocol.dt))
    every = protocol.record_every
    if standalone:
        return None, n_settle, every
    if n_settle % every == 0:
        return protocol.sampling_interval, n_settle // every, 1
    return protocol.dt, n_settle, every

"""``neurokit info``: versions, backends, compilers and GPUs found on this machine.

A diagnostic command, so it must report rather than fail: a backend whose module is missing or
broken, a compiler that does not run, a CUDA driver that does not answer, each becomes a line
saying so.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

import click

from neurokit.errors import NeurokitError

PACKAGES = (("neurokit", "neurokit"), ("numpy", "numpy"), ("scipy", "scipy"), ("xarray", "xarray"),
            ("Brian2", "brian2"), ("NEURON", "neuron"), ("eFEL", "efel"), ("matplotlib", "matplotlib"),
            ("CuPy", "cupy"))
_CUPY_DISTS = ("cupy", "cupy-cuda12x", "cupy-cuda11x", "cupy-cuda13x")


def _version(dist: str) -> str | None:
    names = _CUPY_DISTS if dist == "cupy" else (dist,)
    for name in names:
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return None


def _backends() -> list[dict]:
    from neurokit.backends.base import backend_class, list_backends

    rows = []
    for name in list_backends():
        row = {"name": name, "available": False, "note": ""}
        try:
            cls = backend_class(name)
            row["available"] = bool(cls.is_available())
            if not row["available"]:
                row["note"] = cls.unavailable_reason() or "not available"
        # A broken or half-written backend module may raise anything on import; info reports
        # it and goes on, since its job is to diagnose exactly such machines.
        except NeurokitError as exc:
            row["note"] = str(exc).splitlines()[0]
        except Exception as exc:  # noqa: BLE001
            row["note"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
        rows.append(row)
    return rows


def _compiler() -> dict:
    from neurokit.codegen.build import compiler_identity, find_compiler

    path = find_compiler()
    if path is None:
        return {"path": None, "version": None}
    try:
        ident = compiler_identity(path)
    except Exception as exc:  # noqa: BLE001 - reported, see _backends
        ident = f"does not run: {exc}"
    return {"path": path, "version": ident}


def _nvcc() -> dict:
    path = shutil.which("nvcc")
    if path is None:
        return {"path": None, "version": None}
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
        release = next((line.split("release", 1)[1].split(",")[0].strip()
                        for line in out.splitlines() if "release" in line), None)
    except (OSError, subprocess.SubprocessError):
        release = None
    return {"path": path, "version": release}


def _gpus() -> dict:
    """GPUs CuPy can use; without CuPy, what ``nvidia-smi -L`` lists (usable only once CuPy is
    installed, which the note says)."""
    info = {"cupy_devices": None, "names": [], "note": ""}
    try:
        import cupy
    except ImportError:
        info["note"] = "CuPy not installed; pip install 'neurokit[gpu]'"
    else:
        try:
            n = int(cupy.cuda.runtime.getDeviceCount())
            info["cupy_devices"] = n
            for i in range(n):
                props = cupy.cuda.runtime.getDeviceProperties(i)
                name = props["name"]
                info["names"].append(name.decode() if isinstance(name, bytes) else str(name))
        except Exception as exc:  # noqa: BLE001 - CUDA runtime errors vary by driver; reported
            info["cupy_devices"] = 0
            info["note"] = f"CuPy finds no device: {exc}".splitlines()[0]
    if not info["names"] and shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20)
            listed = [line.split(":", 1)[1].split("(UUID")[0].strip()
                      for line in out.stdout.splitlines() if line.startswith("GPU ")]
            if listed:
                info["names"] = listed
                info["note"] += "; nvidia-smi lists the GPUs" if info["note"] else ""
        except (OSError, subprocess.SubprocessError):
            pass
    return info


def gather() -> dict:
    """Everything ``neurokit info`` reports, as plain data (also printed by ``--json``)."""
    return {
        "python": {"version": platform.python_version(), "executable": sys.executable,
                   "platform": platform.platform()},
        "packages": {label: _version(dist) for label, dist in PACKAGES},
        "backends": _backends(),
        "c_compiler": _compiler(),
        "nvcc": _nvcc(),
        "gpu": _gpus(),
    }


def render(info: dict) -> str:
    """The human-readable report of :func:`gather`'s data."""
    lines = [f"{'Python':<12}{info['python']['version']}  ({info['python']['executable']})",
             f"{'platform':<12}{info['python']['platform']}", "", "packages"]
    for label, ver in info["packages"].items():
        lines.append(f"  {label:<12}{ver or 'not installed'}")
    lines += ["", "backends"]
    width = max((len(b["name"]) for b in info["backends"]), default=6) + 2
    for b in info["backends"]:
        state = "available" if b["available"] else "unavailable"
        lines.append(f"  {b['name']:<{width}}{state}" + (f"  ({b['note']})" if b["note"] else ""))
    cc, nvcc, gpu = info["c_compiler"], info["nvcc"], info["gpu"]
    lines += ["", "toolchain",
              f"  {'C compiler':<12}" + (f"{cc['path']}  ({cc['version']})" if cc["path"] else "not found"),
              f"  {'nvcc':<12}" + (f"{nvcc['path']}  (CUDA {nvcc['version'] or '?'})" if nvcc["path"]
                                   else "not found")]
    if gpu["cupy_devices"]:
        gpu_line = f"{gpu['cupy_devices']} CUDA device(s) via CuPy: {', '.join(gpu['names'])}"
    elif gpu["names"]:
        gpu_line = f"{', '.join(gpu['names'])} (not usable: {gpu['note'].split(';')[0]})"
    else:
        gpu_line = "none found" + (f" ({gpu['note']})" if gpu["note"] else "")
    lines.append(f"  {'GPU':<12}{gpu_line}")
    return "\n".join(lines)


@click.command(name="info")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(as_json: bool) -> None:
    """Show versions, simulation backends, compilers and GPUs found here."""
    info = gather()
    click.echo(json.dumps(info, indent=2) if as_json else render(info))

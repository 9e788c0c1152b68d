#!/usr/bin/env bash
# Download, here, the wheels the GPU machine lacks (it has no network): Python 3.12 builds of
# Brian2 2.10.1 and a numpy below 2.4 (Brian2 2.9/2.10 fail to import with numpy >= 2.4), plus
# the pure-Python packages neurokit's core imports that its image does not hold.
# Run from the repository root; the wheels land in .whl/ (git-ignored), carried by run_on_gpu.sh.
set -euo pipefail
mkdir -p .whl
plat=(--platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64
      --platform manylinux2014_x86_64 --platform manylinux1_x86_64)
pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp "${plat[@]}" -d .whl \
    "brian2==2.10.1" "numpy==2.3.5"
pip download -q --no-deps --only-binary=:all: -d .whl \
    platformdirs h5netcdf pyabf tomli-w
ls -la .whl

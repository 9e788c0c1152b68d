#!/usr/bin/env bash
# The one prepared GPU check: install from the carried wheels, check imports, run the gpu tests
# (point-model, learning and spiking-network kernels), then the benchmarks (point models; learning --device cuda).
# On the device tool: run with carry [".whl"] from the repository root; results land in $OUT
# (or ./gpu-out).
set -uo pipefail
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD NEUROKIT_CACHE_DIR=/tmp/nkcache PYTHONUNBUFFERED=1
python3 -c "import numpy, brian2, cupy; print('numpy', numpy.__version__, 'brian2', brian2.__version__, 'cupy', cupy.__version__, 'devices', cupy.cuda.runtime.getDeviceCount())" 2>&1 | tee "$OUT/imports.txt" || exit 1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT/device.txt"
timeout 240 python3 -m pytest -q -p no:cacheprovider -m gpu tests/codegen/test_cuda_target.py 2>&1 | tee "$OUT/gpu_tests.txt"
timeout 240 python3 -m pytest -q -p no:cacheprovider -m gpu tests/learning/test_learning_cuda.py 2>&1 | tee "$OUT/gpu_learning_tests.txt"
timeout 240 python3 -m pytest -q -p no:cacheprovider -m gpu tests/codegen/templates/test_network_cuda.py 2>&1 | tee "$OUT/gpu_network_tests.txt"
timeout 300 python3 benchmarks/learning_digits.py --device cuda --quick --json "$OUT/learning_gpu.json" 2>&1 | tee "$OUT/learning_bench.txt"
timeout 300 python3 benchmarks/gpu/bench_gpu.py --out "$OUT/gpu_results.md" "$@" 2>&1 | tee "$OUT/bench.txt"

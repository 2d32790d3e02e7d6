#!/usr/bin/env bash
# Strict nbval over every notebook again, with the CPU kernels changed: generic ATen kernels instead of the
# AVX2/AVX-512 ones, MKL and oneDNN limited to AVX, one OpenMP thread. Float sums then run in another order,
# so any printed digit that depends on the machine shows up here as a failure (CONTRIBUTING.md, "Printed
# outputs"). Extra arguments go to pytest: bash scripts/test_portability.sh notebooks/04_implementation.ipynb
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh
export PYTHONHASHSEED=0 GANLIB_SETTINGS=quick
export ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=AVX DNNL_MAX_CPU_ISA=AVX OMP_NUM_THREADS=1
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(notebooks)
"$PY" -m pytest "${targets[@]}" --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg \
  --nbval-cell-timeout 900 -p no:cacheprovider -q

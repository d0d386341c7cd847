#!/bin/bash
# make demo: measure the exit paths (selftests/demo.txt: fast_mmio_bench),
# stock vs patched, for every kernel given, on emulated AMD (QEMU TCG
# -icount: no NRIPS; Bochs ryzen: NRIPS) and Intel (Bochs); then
# report-results.py writes Documentation/results.md, a chart and the ftrace
# graphs of one doorbell write.
#   demo.sh KERNEL...
set -euo pipefail
. "$(dirname "$0")/config.sh"

start=$(date +%s)
lock_cache
KERNEL= step "measuring on $(echo $CPUS) for kernels $*, stock and patched, VMs in parallel (about 15 minutes)"
# Under QEMU -icount and Bochs clock sync=none, guest TSC counts instructions.
# One VM per module set: fast_mmio_bench graphs once per boot.
TESTS_FILE=$DEMO_TESTS ICOUNT=1 VM_SETS="stock patched" "$TOP/scripts/run-vms.sh" demo "$@" ||
	die "a VM did not finish (see above); no results written"
mapfile -t logs < <(log_dirs demo "$@")
python3 "$TOP/scripts/report-results.py" --seconds $(($(date +%s) - start)) "${logs[@]}"

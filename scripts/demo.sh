#!/bin/bash
# make demo: measure the doorbell path, stock vs patched, on emulated AMD
# (QEMU TCG -icount: no NRIPS; Bochs ryzen: NRIPS) and Intel (Bochs), write
# Documentation/results.md, a chart and ftrace graphs of one doorbell write.
set -euo pipefail
. "$(dirname "$0")/config.sh"

start=$(date +%s)
mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
flock -n 9 || die "another make check or make demo is using $ROOT; wait for it to finish"
cpus=$CPUS
step "measuring on $cpus, stock and patched, in parallel (about 5 minutes)"
mkdir -p "$OUT/demo"
pids=()
for cpu in $cpus; do
	# Under QEMU -icount and Bochs clock sync=none, guest TSC counts
	# instructions.  KVMFM_TRACE: graph the CPU's exit handler once.
	ICOUNT=1 KVMFM_TRACE=1 "$TOP/scripts/run-vm.sh" "$cpu" "$OUT/demo/$cpu.log" stock,patched \
		x86_64/fast_mmio_test -m >"$OUT/demo/$cpu.status" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
cat "$OUT"/demo/*.status
[ $failed = 0 ] || die "a VM did not finish (see above); no results written"

"$TOP/scripts/report-results.sh" "$OUT/demo" "$(($(date +%s) - start))"

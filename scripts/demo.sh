#!/bin/bash
# make demo: measure the doorbell path, stock vs patched, on emulated AMD
# (QEMU TCG -icount: no NRIPS; Bochs ryzen: NRIPS) and Intel (Bochs), write
# Documentation/results.md, a chart and ftrace graphs of one doorbell write.
set -euo pipefail
. "$(dirname "$0")/config.sh"

start=$(date +%s)
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -n 9 || die "another make check or make demo is using $CACHE; wait for it to finish"
"$TOP/scripts/build.sh"
cpus="amd-qemu amd-bochs intel-bochs"
echo "[6/6] measuring on $cpus, stock and patched, in parallel (about 5 minutes) ..."
mkdir -p "$OUT/demo"
pids=()
for cpu in $cpus; do
	case $cpu in
	amd-*) fn=npf_interception ;;
	intel-*) fn=handle_ept_misconfig ;;
	esac
	# Under QEMU -icount and Bochs clock sync=none, guest TSC counts instructions.
	ICOUNT=1 TRACE=$fn "$TOP/scripts/run-vm.sh" "$cpu" "$OUT/demo/$cpu.log" stock,patched \
		x86_64/fast_mmio_test -m >"$OUT/demo/$cpu.status" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
cat "$OUT"/demo/*.status
[ $failed = 0 ] || die "a VM did not finish (see above); no results written"

"$TOP/scripts/report-results.sh" "$OUT/demo" "$(($(date +%s) - start))"

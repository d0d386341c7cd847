#!/bin/bash
# Boot VMs in parallel, per kernel and CPU of scripts/cpus/, that run their
# selftests (selftests/tests-KERNEL.txt, or TESTS_FILE) with module sets
# VM_SETS: "stock,patched" (default) is one VM, stock then patched, logging
# to KERNEL's $OUT/NAME/CPU.log; "stock patched" is one VM per set, logging
# to CPU-SET.log.  Used by make check and make demo, which hold the lock.
#   run-vms.sh NAME KERNEL...
# Prints each VM's status line; exits non-zero if a VM did not finish.
set -euo pipefail
. "$(dirname "$0")/config.sh"

name=$1
shift
for cpu in $CPUS; do
	[ -f "$TOP/scripts/cpus/$cpu" ] || die "no CPU definition scripts/cpus/$cpu (CPUS; have: $(ls "$TOP/scripts/cpus" | xargs))"
done
pids=() statuses=()
for k in "$@"; do
	KERNEL=$k
	. "$TOP/scripts/config.sh"   # this kernel's OUT and test list
	rm -rf "${OUT:?}/$name" && mkdir -p "$OUT/$name"   # no log of an earlier run stays
	for cpu in $CPUS; do
		tests=$(selftests "$cpu" | paste -sd,)
		[ -n "$tests" ] || continue
		for sets in ${VM_SETS:-stock,patched}; do
			vm=$cpu
			[ "$sets" = "${VM_SETS:-stock,patched}" ] || vm=$cpu-$sets
			KERNEL=$k "$TOP/scripts/run-vm.sh" "$cpu" "$OUT/$name/$vm.log" "$sets" "$tests" \
				>"$OUT/$name/$vm.status" 2>&1 &
			pids+=($!) statuses+=("$OUT/$name/$vm.status")
		done
	done
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
cat "${statuses[@]}"
exit $failed

#!/bin/bash
# make check, after Make has built everything: run the selftests of
# selftests/tests-KERNEL.txt with stock and with patched modules, for every
# kernel given, on every CPU of scripts/cpus/ (all VMs in parallel).  Prints
# one TAP line per (kernel, CPU, module set, test) and
# "N passed, N failed, N skipped".
#   check.sh KERNEL...
set -euo pipefail
. "$(dirname "$0")/config.sh"

kernels=$*
cpus=$CPUS
mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
flock -n 9 || die "another make check or make demo is using $ROOT; wait for it to finish"
start=$(date +%s)

KERNEL= step "running the selftests on $(echo $cpus) for kernels $kernels (stock and patched modules; VMs in parallel, about 15 minutes)"
pids=() statuses=()
for k in $kernels; do
	KERNEL=$k
	. "$TOP/scripts/config.sh"   # this kernel's OUT and test list
	mkdir -p "$OUT/logs"
	for cpu in $cpus; do
		tests=$(selftests "$cpu" | paste -sd,)
		[ -n "$tests" ] || continue
		KERNEL=$k "$TOP/scripts/run-vm.sh" "$cpu" "$OUT/logs/$cpu.log" stock,patched "$tests" \
			>"$OUT/logs/$cpu.status" 2>&1 &
		pids+=($!) statuses+=("$OUT/logs/$cpu.status")
	done
done
vm_failed=0
for pid in "${pids[@]}"; do wait "$pid" || vm_failed=1; done
cat "${statuses[@]}"
[ $vm_failed = 0 ] || echo "note: a VM did not finish; its missing tests count as failed"

# TAP: one line per expected (kernel, cpu, set, test); a missing result is a
# failure.  A test marked CPU:stock-fails must fail with stock modules there.
# output SET TEST LOG: what TEST printed in LOG with module set SET.
output() {
	awk -v s="$1" -v t="$2" '$1 == "KVMFM-RUN" { on = ($3 == s && $4 == t); next }
		$1 == "KVMFM-RESULT" { on = 0 } on' "$3" 2>/dev/null
}
pass=0 fail=0 skip=0 n=0
echo "TAP version 13"
for k in $kernels; do
	KERNEL=$k
	. "$TOP/scripts/config.sh"
	for cpu in $cpus; do
		log=$OUT/logs/$cpu.log
		for set in stock patched; do
			for t in $(selftests "$cpu"); do
				n=$((n + 1))
				name="$k/$cpu/$set/${t##*/}"
				rc=$(awk -v s="$set" -v t="$t" '$1 == "KVMFM-RESULT" && $3 == s && $4 == t { print $5 }' "$log" 2>/dev/null)
				if [ "$set" = stock ] && stock_fails "$t" "$cpu" && [ -n "$rc" ]; then
					if [ "$rc" != 0 ] && [ "$rc" != 4 ]; then
						echo "ok $n $name # failed (status $rc) on stock, as expected: the series fixes it"
						output "$set" "$t" "$log" | grep -E '^not ok|==== Test Assertion Failure|livelock' | head -5 | sed 's/^/#   /'
						pass=$((pass + 1))
					else
						echo "not ok $n $name (status $rc on stock, where it is expected to fail: the reproducer no longer reproduces)"
						fail=$((fail + 1))
					fi
					continue
				fi
				case $rc in
				0) echo "ok $n $name"; pass=$((pass + 1)) ;;
				4) echo "ok $n $name # SKIP $(output "$set" "$t" "$log" | grep -m1 -E '^1\.\.0|SKIP' | sed 's/^.*SKIP *//')"
				   skip=$((skip + 1)) ;;
				*) if [ -n "$rc" ]; then why="exit status $rc"; else why="no result: the VM did not get there"; fi
				   echo "not ok $n $name ($why)"
				   output "$set" "$t" "$log" | tail -30 | sed 's/^/#   /'
				   fail=$((fail + 1)) ;;
				esac
			done
		done
	done
done
echo "1..$n"
echo "# logs: $ROOT/*/out/logs/; wall time $(($(date +%s) - start))s"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]

#!/bin/bash
# make check: build everything, then run the selftests of selftests/tests.txt
# with stock and with patched modules on emulated AMD (QEMU TCG: no NRIPS;
# Bochs ryzen: NRIPS) and Intel (Bochs), the three VMs in parallel.  Prints
# one TAP line per (CPU, module set, test) and "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/config.sh"

cpus=${CPUS:-amd-qemu intel-bochs amd-bochs}
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -n 9 || die "another make check or make demo is using $CACHE; wait for it to finish"
start=$(date +%s)
"$TOP/scripts/build.sh"
echo "[6/6] running selftests on: $cpus (stock and patched modules, in parallel) ..."

mkdir -p "$OUT/logs"
pids=()
for cpu in $cpus; do
	"$TOP/scripts/run-vm.sh" "$cpu" "$OUT/logs/$cpu.log" stock,patched "$(selftests "$cpu" | paste -sd,)" \
		>"$OUT/logs/$cpu.status" 2>&1 &
	pids+=($!)
done
vm_failed=0
for pid in "${pids[@]}"; do wait "$pid" || vm_failed=1; done
for cpu in $cpus; do cat "$OUT/logs/$cpu.status"; done
[ $vm_failed = 0 ] || echo "note: a VM did not finish; its missing tests count as failed"

# TAP: one line per expected (cpu, set, test); a missing result is a failure.
pass=0 fail=0 skip=0 n=0
echo "TAP version 13"
for cpu in $cpus; do
	log=$OUT/logs/$cpu.log
	for set in stock patched; do
		for t in $(selftests "$cpu"); do
			n=$((n + 1))
			rc=$(awk -v s="$set" -v t="$t" '$1 == "KVMFM-RESULT" && $3 == s && $4 == t { print $5 }' "$log" 2>/dev/null)
			name="$cpu/$set/${t##*/}"
			case $rc in
			0) echo "ok $n $name"; pass=$((pass + 1)) ;;
			4) echo "ok $n $name # SKIP $(awk -v s="$set" -v t="$t" '$1 == "KVMFM-RUN" { on = ($3 == s && $4 == t) } on && /^1\.\.0|SKIP/ { sub(/^.*SKIP */, ""); print; exit }' "$log")"
			   skip=$((skip + 1)) ;;
			*) if [ -n "$rc" ]; then why="exit status $rc"; else why="no result: the VM did not get there"; fi
			   echo "not ok $n $name ($why)"
			   awk -v s="$set" -v t="$t" '$1 == "KVMFM-RUN" { on = ($3 == s && $4 == t); next } $1 == "KVMFM-RESULT" { on = 0 } on' \
				"$log" 2>/dev/null | tail -30 | sed 's/^/#   /'
			   fail=$((fail + 1)) ;;
			esac
		done
	done
done
echo "1..$n"
echo "# logs: $OUT/logs/; wall time $(($(date +%s) - start))s"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]

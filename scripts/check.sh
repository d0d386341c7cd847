#!/bin/bash
# make check, after Make has built everything: run the selftests of
# selftests/tests-KERNEL.txt with stock and with patched modules, for every
# kernel given, on every CPU of scripts/cpus/ (all VMs in parallel), then
# report-check.py prints TAP, one line per kselftest result and per test, and
# "N passed, N failed, N skipped".
#   check.sh KERNEL...           run the VMs, then report
#   check.sh --saved KERNEL...   report from the logs of the last run, or
#                                from LOGS="KERNEL=DIR ..." (make report)
set -euo pipefail
. "$(dirname "$0")/config.sh"

run=1
[ "${1:-}" = --saved ] && { run=0; shift; }
mapfile -t logs < <(log_dirs logs "$@")
if [ $run = 1 ]; then
	lock_cache
	start=$(date +%s)
	KERNEL= step "running the selftests on $(echo $CPUS) for kernels $* (stock and patched modules; VMs in parallel, about 15 minutes)"
	"$TOP/scripts/run-vms.sh" logs "$@" ||
		echo "note: a VM did not finish; its missing tests count as failed"
	echo "# wall time of the VMs: $(($(date +%s) - start))s; logs: ${logs[*]#*=}"
elif [ -n "${LOGS:-}" ]; then
	read -ra logs <<<"$LOGS"
fi
exec python3 "$TOP/scripts/report-check.py" "${logs[@]}"

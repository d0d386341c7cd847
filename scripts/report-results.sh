#!/bin/bash
# Turn the serial logs of make demo into the results table (stdout and
# Documentation/results.md), a chart (Documentation/results.png) and the
# ftrace graphs (Documentation/traces/).  Usage: report-results.sh LOGDIR [SECONDS]
set -euo pipefail
. "$(dirname "$0")/config.sh"

logs=$1 secs=${2:-}
doc=$TOP/Documentation
mkdir -p "$doc/traces"
paths="cpuid pio fast_mmio datamatch mmio_user"
cpus="amd-qemu amd-bochs intel-bochs"
cols=$(for c in $cpus; do printf '%s/stock %s/patched ' "$c" "$c"; done)

# "cpu set path mean min" for every measure line of fast_mmio_test.
data=$(for cpu in $cpus; do
	awk -v cpu="$cpu" '$1 == "KVMFM-RUN" { set = $3 }
		$1 == "#" && $2 == "measure" && $4 == "mean" { print cpu, set, $3, $5, $7 }' "$logs/$cpu.log"
done)
get() { awk -v c="$1" -v s="$2" -v p="$3" -v f="$4" '$1 == c && $2 == s && $3 == p { print (f == "min" ? $5 : $4) }' <<<"$data"; }
# ratio A B [DECIMALS]
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.*f", d, a / b }'; }
for c in $cols; do
	[ -n "$(get "${c%/*}" "${c#*/}" fast_mmio min)" ] || die "no measurements for $c in $logs/${c%/*}.log"
done

label() {
	case $1 in
	cpuid) echo "null exit (CPUID)" ;; pio) echo "PIO eventfd write" ;;
	fast_mmio) echo "doorbell write (zero-length MMIO eventfd)" ;;
	datamatch) echo "datamatch MMIO eventfd write" ;; mmio_user) echo "MMIO write to userspace" ;;
	esac
}

table() {	# cheapest batch, guest instructions per iteration
	echo "| path | AMD QEMU stock | AMD QEMU patched | patched/stock | AMD ryzen stock | AMD ryzen patched | patched/stock | Intel stock | Intel patched | AMD ryzen patched/Intel |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for p in $paths; do
		qs=$(get amd-qemu stock $p min) qp=$(get amd-qemu patched $p min)
		rs=$(get amd-bochs stock $p min) rp=$(get amd-bochs patched $p min)
		is=$(get intel-bochs stock $p min) ip=$(get intel-bochs patched $p min)
		echo "| $(label $p) | $qs | $qp | $(ratio "$qp" "$qs") | $rs | $rp | $(ratio "$rp" "$rs") | $is | $ip | $(ratio "$rp" "$is") |"
	done
}

bar() {	# bar DESCRIPTION VALUE LIMIT
	local ok
	ok=$(awk -v v="$2" -v l="$3" 'BEGIN { print (v != "-" && v <= l) ? "met" : "NOT met" }')
	echo "- $1: $2 (bar <= $3): **$ok**"
}
bars() {	# three decimals, so that rounding cannot meet a bar
	bar "AMD QEMU (no NRIPS, decode-only), doorbell patched/stock" \
		"$(ratio "$(get amd-qemu patched fast_mmio min)" "$(get amd-qemu stock fast_mmio min)" 3)" 0.85
	bar "AMD QEMU, datamatch MMIO patched/stock" \
		"$(ratio "$(get amd-qemu patched datamatch min)" "$(get amd-qemu stock datamatch min)" 3)" 1.05
	bar "AMD ryzen (NRIPS), doorbell patched/stock" \
		"$(ratio "$(get amd-bochs patched fast_mmio min)" "$(get amd-bochs stock fast_mmio min)" 3)" 0.40
	bar "AMD ryzen, doorbell/PIO-eventfd, patched" \
		"$(ratio "$(get amd-bochs patched fast_mmio min)" "$(get amd-bochs patched pio min)" 3)" 1.00
}

# ftrace graphs of one doorbell write, per CPU and module set.
traces=""
for cpu in $cpus; do
	for set in stock patched; do
		f=$doc/traces/$cpu-$set.txt
		awk -v s="$set" '$1 == "KVMFM-TRACE-BEGIN" && $3 == s { on = 1; next }
			$1 == "KVMFM-TRACE-END" { on = 0 } on' "$logs/$cpu.log" >"$f"
		[ -s "$f" ] || die "no ftrace graph for $cpu/$set in $logs/$cpu.log"
		calls=$(grep -cE '\(\);|\) \{' "$f" || true)
		emul=$(grep -q x86_emulate_instruction "$f" && echo yes || echo no)
		ioev=$(grep -q ioeventfd_write "$f" && echo yes || echo no)
		total=$(grep -E '^ *[0-9]+\) .*\| *\}' "$f" | tail -1 | grep -oE '[0-9]+\.[0-9]+ us' || echo "?")
		traces+="| $cpu | $set | [traces/$cpu-$set.txt](traces/$cpu-$set.txt) | $calls | $emul | $ioev | $total |"$'\n'
	done
done

{
	echo "# Results: the doorbell path, stock vs patched"
	echo
	echo "Produced by \`make demo\` on $(date -u +%Y-%m-%d) (commit $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo '?'))."
	echo "Kernel: Debian \`$IMAGE_PKG\` $KVER_PKG, stock modules vs modules built from"
	echo "\`patches/series\`. Emulators: $(qemu-system-x86_64 --version | head -1);"
	echo "Bochs $(dpkg-query -W -f='${Version}' bochs). Test: \`fast_mmio_test -m\` (16 batches of 64 iterations per path)."
	echo
	echo "Numbers are guest TSC ticks per iteration, **cheapest batch**: under QEMU"
	echo "\`-icount shift=0\` and Bochs \`clock: sync=none\` the guest TSC counts emulated"
	echo "instructions, so a count is the instructions the host (L1) kernel ran for one exit,"
	echo "plus the guest's own. Stock and patched come from one boot of one VM."
	echo
	table
	echo
	echo "Bars (issue #5):"
	echo
	bars
	echo
	echo "![cheapest batch per path](results.png)"
	echo
	echo "Means of all batches (same runs):"
	echo
	echo "| path | $(echo $cols | sed 's/ / | /g') |"
	echo "|---|$(for c in $cols; do printf -- '---:|'; done)"
	for p in $paths; do
		printf '| %s |' "$(label $p)"
		for c in $cols; do printf ' %s |' "$(get "${c%/*}" "${c#*/}" $p mean)"; done
		echo
	done
	echo
	echo "## ftrace: one doorbell write"
	echo
	echo "function_graph of \`npf_interception\` (AMD) or \`handle_ept_misconfig\` (Intel) during"
	echo "one doorbell write after a warm-up write (\`fast_mmio_test -t\`). Durations are"
	echo "emulated-CPU time, so compare shapes, not microseconds."
	echo
	echo "| CPU | modules | graph | functions | emulator | ioeventfd_write | total |"
	echo "|---|---|---|---:|---|---|---|"
	printf '%s' "$traces"
	echo
	cat "$doc/results-notes.md"
	echo
	echo "Reproduce: \`make demo\` (the whole run took ${secs:-?} s)."
} >"$doc/results.md"

gnuplot <<-GP
	set terminal pngcairo size 1000,520 font "DejaVu Sans,10"
	set output "$doc/results.png"
	set title "Host instructions per guest exit (cheapest batch): stock vs patched"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.85 border -1
	set ylabel "guest TSC per iteration (= emulated instructions)"
	set key top left
	set grid ytics
	set xtics noenhanced
	\$d << EOD
	path amd-qemu-stock amd-qemu-patched amd-ryzen-stock amd-ryzen-patched intel-stock
	$(for p in $paths; do echo "$p $(get amd-qemu stock $p min) $(get amd-qemu patched $p min) $(get amd-bochs stock $p min) $(get amd-bochs patched $p min) $(get intel-bochs stock $p min)"; done)
	EOD
	plot \$d using 2:xtic(1) title columnheader, '' using 3 title columnheader, '' using 4 title columnheader, '' using 5 title columnheader, '' using 6 title columnheader
GP

echo
table | grep -v '^|---' | sed 's/^| //; s/ |$//; s/ | /\t/g' | column -t -s $'\t'
echo
bars | sed 's/\*\*//g'
echo
echo "wrote Documentation/results.md, Documentation/results.png, Documentation/traces/*.txt"
[ -n "$secs" ] && echo "make demo took ${secs}s"
exit 0

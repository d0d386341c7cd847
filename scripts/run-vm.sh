#!/bin/bash
# Boot $KERNEL's VM kernel with the test initramfs on an emulated CPU and run
# selftests in it.  Usage:
#   run-vm.sh CPU LOG SETS TESTS [ARGS]
# CPU:   a definition in scripts/cpus/ (emulator, model, timeout, and
#        ARGS_<test file name, with _ for .> arguments for a test on that
#        CPU, whatever its directory in the kernel's tree)
# SETS/TESTS are comma lists (module sets, selftest paths); ARGS go to every
# test.  ICOUNT=1 adds -icount shift=0 under QEMU (guest TSC = instructions).
# Exits non-zero, with the reason and the log's tail, unless the guest ran to
# the end; per-test results are the KVMFM-RESULT lines in LOG.
set -euo pipefail
. "$(dirname "$0")/config.sh"

cpu=$1 log=$2 sets=$3 tests=$4 args=${5:-}
def=$TOP/scripts/cpus/$cpu
[ -f "$def" ] || die "no CPU definition scripts/cpus/$cpu (have: $(ls "$TOP/scripts/cpus" | xargs))"
FLAGS=''
# shellcheck disable=SC1090
. "$def"
timeout=${VM_TIMEOUT:-$TIMEOUT}
initrd=$OUT/initramfs.cpio.gz
[ -f "$initrd" ] || die "no initramfs: run make initramfs KERNEL=$KERNEL"

# Spaces travel as '+' on the kernel command line.
cmdline="console=ttyS0,115200 panic=-1 quiet $BOOT_ARGS kvmfm.sets=$sets kvmfm.tests=$tests"
cmdline+=" kvmfm.args=${args// /+}"
for v in $(compgen -v ARGS_); do
	val=${!v}
	cmdline+=" kvmfm.args.${v#ARGS_}=${val// /+}"
done
rm -f "$log"

run_qemu() {
	local icount=()
	[ "${ICOUNT:-0}" = 1 ] && icount=(-icount shift=0)
	timeout -s KILL "$timeout" qemu-system-x86_64 -accel tcg -cpu "$MODEL" "${icount[@]}" \
		-m 2G -smp 1 -display none -monitor none -serial "file:$log" -no-reboot \
		-kernel "$VMLINUZ" -initrd "$initrd" -append "$cmdline" 2>"$log.stderr"
}

run_bochs() {
	local dir=${log%.log}.bochs   # beside the log: VMs of one CPU may run at once
	rm -rf "$dir" && mkdir -p "$dir/iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$dir/iso/isolinux/"
	cp "$VMLINUZ" "$dir/iso/vmlinuz"
	cp "$initrd" "$dir/iso/initrd"
	printf 'DEFAULT k\nLABEL k\n KERNEL /vmlinuz\n APPEND initrd=/initrd %s\n' "$cmdline" \
		>"$dir/iso/isolinux/isolinux.cfg"
	xorriso -as mkisofs -quiet -o "$dir/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table -R -J "$dir/iso" 2>"$dir/xorriso.log" ||
		die "xorriso failed: $(tail -3 "$dir/xorriso.log")"
	cat >"$dir/bochsrc" <<-RC
		megs: 1024
		cpu: model=$MODEL, count=1, ips=100000000, reset_on_triple_fault=1, ignore_bad_msrs=1$FLAGS
		clock: sync=none, time0=local
		display_library: term
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/vgabios/vgabios.bin
		ata0-master: type=cdrom, path=$dir/boot.iso, status=inserted
		boot: cdrom
		com1: enabled=1, mode=file, dev=$log
		panic: action=fatal
		speaker: enabled=0
		sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
		log: $dir/bochs.log
	RC
	echo c >"$dir/dbg.rc"   # Debian's Bochs has the debugger built in: continue
	# Debian's Bochs has no display-less GUI, and its term display blocks
	# once nobody reads the pty it draws on: drain-pty.py reads them all.
	# Bochs ignores SIGTERM.
	(cd "$dir" && TERM=xterm timeout -s KILL "$timeout" python3 "$TOP/scripts/drain-pty.py" \
		bochs-bin -q -f bochsrc -rc dbg.rc >/dev/null 2>&1 </dev/null)
}

start=$(date +%s)
rc=0
"run_$EMULATOR" || rc=$?
secs=$(($(date +%s) - start))
[ -f "$log" ] && sed -i 's/\r$//' "$log"   # serial consoles end lines with CRLF

if [ -f "$log" ] && grep -q '^KVMFM-DONE' "$log"; then
	echo "$KERNEL/$cpu: guest finished in ${secs}s"
	exit 0
fi
if [ $rc = 137 ]; then
	reason="killed after the ${timeout}s timeout (VM_TIMEOUT): the guest hung"
elif [ -f "$log" ] && grep -q '^KVMFM-ERROR' "$log"; then
	reason=$(grep -m1 '^KVMFM-ERROR' "$log" | cut -d' ' -f2-)
else
	reason="the emulator exited (status $rc) before the guest finished"
fi
echo "$KERNEL/$cpu: FAILED after ${secs}s: $reason; last 40 lines of $log:" >&2
tail -n 40 "$log" 2>/dev/null | sed 's/^/    /' >&2
[ -s "$log.stderr" ] && sed 's/^/    stderr: /' "$log.stderr" | tail -5 >&2
exit 1

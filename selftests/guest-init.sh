#!/bin/busybox sh
# /init of the test initramfs.  Kernel command line parameters:
#   kvmfm.sets=stock,patched     module sets to load, in order
#   kvmfm.tests=t1,t2            selftests to run (paths under /tests)
#   kvmfm.args=...               extra arguments for every test ('+' for ' ')
#   kvmfm.args.NAME=...          and for one test alone, after those: NAME is
#                                its file name with _ for .; shell quoting
#                                applies
# Prints "KVMFM-BOOT", "KVMFM-RESULT <vendor> <set> <test> <rc>" per test,
# then "KVMFM-DONE"; scripts/kvmfm_log.py parses the serial log.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
echo KVMFM-BOOT   # a second one in a log: the emulated machine was reset

param() { tr ' ' '\n' </proc/cmdline | sed -n "s/^kvmfm\.$1=//p"; }
sets=$(param sets | tr , ' ')
tests=$(param tests | tr , ' ')
args=$(param args | tr + ' ')

if grep -qw svm /proc/cpuinfo; then
	vendor=amd vmod=kvm_amd
elif grep -qw vmx /proc/cpuinfo; then
	vendor=intel vmod=kvm_intel
else
	echo "KVMFM-ERROR the CPU has neither svm nor vmx: check the emulator's CPU model"
	poweroff -f
fi

load() {
	dir=/lib/kvmfm/$1
	for m in kvm-amd kvm-intel kvm; do rmmod "$m" 2>/dev/null; done
	lsmod | grep -q '^irqbypass' || insmod /lib/kvmfm/stock/irqbypass.ko || return 1
	insmod "$dir/kvm.ko" || return 1
	if [ $vendor = amd ]; then
		if [ -f /lib/kvmfm/stock/ccp.ko ]; then
			lsmod | grep -q '^ccp' || insmod /lib/kvmfm/stock/ccp.ko || return 1
		fi
		insmod "$dir/kvm-amd.ko" || return 1
	else
		insmod "$dir/kvm-intel.ko" || return 1
	fi
	printf 'KVMFM-PARAMS %s %s' $vendor "$1"
	for p in /sys/module/$vmod/parameters/*; do
		printf ' %s=%s' "${p##*/}" "$(cat "$p")"
	done
	echo
}

for set in $sets; do
	if ! load "$set"; then
		echo "KVMFM-ERROR could not load the $set $vmod modules (see the kernel log above)"
		continue
	fi
	for t in $tests; do
		echo "KVMFM-RUN $vendor $set $t"
		eval "set -- $args $(param "args.$(basename "$t" | tr . _)" | tr + ' ')"
		"/tests/$t" "$@" 2>&1
		echo "KVMFM-RESULT $vendor $set $t $?"
	done
done
echo KVMFM-DONE
# poweroff -f drops what the serial port has not sent yet.  stty's
# tcsetattr(TCSADRAIN) first waits until the console's output is on the wire.
stty -F /dev/console 115200
poweroff -f

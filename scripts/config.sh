# Sourced by every script: the kernel being worked on and where its things
# live.  KERNEL (default 6.12) names a definition in scripts/kernels/.
# shellcheck shell=bash

# Print a progress line: step "building kvm-amd.ko".
step() { printf '[%s] %s%s ...\n' "$(date +%H:%M:%S)" "${KERNEL:+$KERNEL: }" "$*"; }
die() { printf 'error: %s%s\n' "${KERNEL:+$KERNEL: }" "$*" >&2; exit 1; }

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KERNEL=${KERNEL:-6.12}
[ -f "$TOP/scripts/kernels/$KERNEL" ] || die "no kernel definition scripts/kernels/$KERNEL (have: $(ls "$TOP/scripts/kernels" | grep -v '\.config$' | xargs))"
. "$TOP/scripts/kernels/$KERNEL"

ROOT=${KVMFM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-fast-mmio}
CACHE=$ROOT/$KVER_PKG
SERIES=$TOP/patches/$KERNEL            # the patch series and its series file
TREE=$CACHE/linux                      # pristine commit + the series applied
BUILD=$CACHE/build                     # the patched KVM modules (top-level Kbuild)
OUT=$CACHE/out                         # initramfs, ISO, logs
TESTS=${TESTS_FILE:-$TOP/selftests/tests-$KERNEL.txt}   # what the VMs run: make check's list,
DEMO_TESTS=$TOP/selftests/demo.txt                   # or make demo's
PRISTINE=$CACHE/wt-pristine               # a worktree of the tree at tag pristine
CPUS=${CPUS:-$(ls "$TOP/scripts/cpus" | xargs)}   # every emulated CPU, or those asked for
SKT=$TREE/tools/testing/selftests/kvm

if [ "$SUITE" = bookworm ]; then
	SRC_TARBALL=/usr/src/$SRC_PKG.tar.xz
else
	SRC_TARBALL=$CACHE/src/$SRC_PKG.tar.xz
fi
if [ "$HOST" = debian ]; then
	IMAGE_PKG=linux-image-$KREL-unsigned
	HEADERS_PKG=linux-headers-$KREL
	KDIR=/usr/src/linux-headers-$KREL  # what the patched modules build against
	IMAGE_DIR=$CACHE/image             # dpkg -x of the image package
	VMLINUZ=$IMAGE_DIR/boot/vmlinuz-$KREL
	STOCK_MODULES=$IMAGE_DIR/lib/modules/$KREL/kernel
else
	KDIR=$CACHE/kbuild                 # O= build of the pristine tree
	VMLINUZ=$KDIR/arch/x86/boot/bzImage
	STOCK_MODULES=$KDIR
fi

# The selftests of $TESTS: all of them, or those that run on CPU $1.
selftests() { python3 "$TOP/scripts/kvmfm_log.py" tests "$TESTS" ${1:+"$1"}; }

# Install the Debian packages (NAME or NAME=VERSION) that are missing.
apt_install() {
	local p have missing=() sudo=
	for p; do
		have=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "${p%%=*}" 2>/dev/null || true)
		case $p in
		*=*) [ "$have" = "ii ${p#*=}" ] || missing+=("$p") ;;
		*) [ "${have:0:3}" = "ii " ] || missing+=("$p") ;;
		esac
	done
	[ ${#missing[@]} = 0 ] && return 0
	[ "$(id -u)" = 0 ] || sudo=sudo
	step "installing ${#missing[@]} Debian packages: ${missing[*]}"
	$sudo apt-get update -qq || die "apt-get update failed: is Debian's archive reachable?"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>"${TMPDIR:-/tmp}/kvmfm-apt.log" 2>&1 || {
		tail -20 "${TMPDIR:-/tmp}/kvmfm-apt.log" >&2
		die "apt-get install failed for: ${missing[*]} (see above; is Debian's archive reachable?)"
	}
}

# The stock module file for a path like arch/x86/kvm/kvm (Debian's are .ko.xz).
stock_module() {
	local f
	for f in "$STOCK_MODULES/$1.ko" "$STOCK_MODULES/$1.ko.xz"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# "KERNEL=DIR" for each kernel given, DIR being that kernel's $OUT/$1.
log_dirs() {
	local name=$1 k
	shift
	for k; do (KERNEL=$k && . "$TOP/scripts/config.sh" && echo "$k=$OUT/$name"); done
}

# Take the lock on $ROOT that make check and make demo hold while they run VMs.
lock_cache() {
	mkdir -p "$ROOT"
	exec 9>"$ROOT/.lock"
	flock -n 9 || die "another make check or make demo is using $ROOT; wait for it to finish"
}

# Create the pristine worktree of the prepared tree if there is none.
pristine_worktree() {
	[ -d "$PRISTINE" ] || git -C "$TREE" worktree add -q --detach "$PRISTINE" pristine ||
		die "could not add a pristine worktree of $TREE: run make tree-$KERNEL"
}

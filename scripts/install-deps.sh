#!/bin/bash
# Install the Debian packages the harness needs; no-op when all are present.
set -euo pipefail
. "$(dirname "$0")/config.sh"

pkgs=(
	"$SRC_PKG=$KVER_PKG" "$HEADERS_PKG=$KVER_PKG"
	build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio kmod rsync git
	qemu-system-x86 bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso
	busybox-static gnuplot-nox python3-ply python3-git
)

# Installed ("ii "), and at the pinned version where there is one.
missing=()
for p in "${pkgs[@]}"; do
	have=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "${p%%=*}" 2>/dev/null || true)
	case $p in
	*=*) [ "$have" = "ii ${p#*=}" ] || missing+=("$p") ;;
	*) [ "${have:0:3}" = "ii " ] || missing+=("$p") ;;
	esac
done

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
if [ ${#missing[@]} -gt 0 ]; then
	step "installing ${#missing[@]} Debian packages: ${missing[*]}"
	$sudo apt-get update -qq || die "apt-get update failed: is Debian's archive reachable?"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>"${TMPDIR:-/tmp}/kvmfm-apt.log" 2>&1 || {
		tail -20 "${TMPDIR:-/tmp}/kvmfm-apt.log" >&2
		die "apt-get install failed for: ${missing[*]} (see above; is Debian's archive reachable?)"
	}
fi

# The kernel image is only unpacked, never installed: installing it would run
# initramfs hooks and change this machine's /boot.
if [ ! -f "$IMAGE_DIR/boot/vmlinuz-$KREL" ]; then
	step "downloading and unpacking $IMAGE_PKG $KVER_PKG"
	rm -rf "$IMAGE_DIR" "$CACHE/deb" && mkdir -p "$CACHE/deb"
	(cd "$CACHE/deb" && apt-get download -q "$IMAGE_PKG=$KVER_PKG" >/dev/null) ||
		die "apt-get download $IMAGE_PKG=$KVER_PKG failed: run 'apt-get update', check the archive is reachable"
	dpkg -x "$CACHE"/deb/*.deb "$IMAGE_DIR"
	rm -rf "$CACHE/deb"
fi
[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL missing: reinstall $SRC_PKG=$KVER_PKG"
[ -d "$KDIR" ] || die "$KDIR missing: reinstall $HEADERS_PKG=$KVER_PKG"

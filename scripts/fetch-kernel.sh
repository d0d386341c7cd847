#!/bin/bash
# Get $KERNEL's source tarball (and for a Debian-image kernel, its headers
# and unpacked image) from Debian's archive.  Packages of a suite other than
# bookworm are only downloaded, through a private apt configuration under
# the cache: the system's apt sources stay as they are.
set -euo pipefail
. "$(dirname "$0")/config.sh"

if [ "$SUITE" = bookworm ]; then
	apt_install "$SRC_PKG=$KVER_PKG" "$HEADERS_PKG=$KVER_PKG"
	# The image is only unpacked, never installed: installing it would run
	# initramfs hooks and change this machine's /boot.
	if [ ! -f "$VMLINUZ" ]; then
		step "downloading and unpacking $IMAGE_PKG $KVER_PKG"
		rm -rf "$IMAGE_DIR" "$CACHE/deb" && mkdir -p "$CACHE/deb"
		(cd "$CACHE/deb" && apt-get download -q -o APT::Sandbox::User=root "$IMAGE_PKG=$KVER_PKG" >/dev/null) ||
			die "apt-get download $IMAGE_PKG=$KVER_PKG failed: run 'apt-get update', check the archive is reachable"
		dpkg -x "$CACHE"/deb/*.deb "$IMAGE_DIR"
		rm -rf "$CACHE/deb"
	fi
	[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL missing: reinstall $SRC_PKG=$KVER_PKG"
	exit 0
fi

[ -f "$SRC_TARBALL" ] && exit 0
deb=$CACHE/deb/${SRC_PKG}_${KVER_PKG}_all.deb
if [ ! -f "$deb" ]; then
	apt=$CACHE/apt
	mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$CACHE/deb"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE main" \
		>"$apt/sources.list"
	opts=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=/dev/null
		-o Dir::State::lists="$apt/lists" -o Dir::Cache::archives="$apt/archives"
		-o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
	step "downloading $SRC_PKG $KVER_PKG from $SUITE (private apt configuration in $apt)"
	apt-get "${opts[@]}" update -qq >"$apt/update.log" 2>&1 ||
		{ tail -5 "$apt/update.log" >&2; die "apt-get update of $SUITE failed: is Debian's archive reachable?"; }
	(cd "$CACHE/deb" && apt-get "${opts[@]}" download -q "$SRC_PKG=$KVER_PKG" >"$apt/download.log" 2>&1) || {
		tail -3 "$apt/download.log" >&2
		have=$(apt-cache "${opts[@]}" policy "$SRC_PKG" 2>/dev/null | sed -n 's/^ *Candidate: //p')
		die "$SUITE no longer has $SRC_PKG $KVER_PKG (it keeps only its newest version${have:+, now $have}):" \
			"update KVER_PKG in scripts/kernels/$KERNEL and rebase patches/$KERNEL, or put the .deb at $deb"
	}
fi
step "unpacking $SRC_PKG.tar.xz from $(basename "$deb")"
mkdir -p "$CACHE/src"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$SRC_PKG.tar.xz" >"$SRC_TARBALL.tmp"
mv "$SRC_TARBALL.tmp" "$SRC_TARBALL"

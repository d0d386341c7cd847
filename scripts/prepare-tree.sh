#!/bin/bash
# Unpack $KERNEL's source into the cache, commit it pristine (tag pristine),
# and apply patches/$KERNEL/series with git am.  Redone only when the
# tarball or a patch changes.
set -euo pipefail
. "$(dirname "$0")/config.sh"

series=$SERIES/series
patches=()
if [ -f "$series" ]; then
	while read -r p; do
		case $p in '' | '#'*) continue ;; esac
		[ -f "$SERIES/$p" ] || die "patches/$KERNEL/series lists $p, which does not exist"
		patches+=("$p")
	done <"$series"
fi

# What the prepared tree is a function of.
stamp=$( (echo "$KVER_PKG"; cd "$SERIES" && cat series "${patches[@]}" 2>/dev/null) | sha256sum | cut -c1-16)
if [ -f "$TREE/.kvmfm-stamp" ] && [ "$(cat "$TREE/.kvmfm-stamp")" = "$stamp" ]; then
	echo "tree is up to date ($TREE, ${#patches[@]} patches)"
	exit 0
fi

git_() { git -C "$TREE" -c user.name="${GIT_AUTHOR_NAME:-kvm-fast-mmio harness}" \
	-c user.email="${GIT_AUTHOR_EMAIL:-harness@localhost}" -c advice.detachedHead=false "$@"; }

if ! git_ rev-parse -q --verify refs/tags/pristine >/dev/null 2>&1; then
	step "unpacking $SRC_TARBALL (about 1 minute)"
	rm -rf "$TREE" "$TREE.tmp" && mkdir -p "$TREE.tmp"
	tar -xJf "$SRC_TARBALL" -C "$TREE.tmp" --strip-components=1
	step "committing the pristine tree"
	git -C "$TREE.tmp" init -q
	git -C "$TREE.tmp" config gc.auto 0   # a repack of 90,000 files would stall a later step
	# The tarball's top-level .gitignore ignores everything: force-add.
	git -C "$TREE.tmp" add -f -A .
	mv "$TREE.tmp" "$TREE"
	git_ commit -q -m "$SRC_PKG $KVER_PKG (pristine)"
	git_ tag pristine
fi

step "applying ${#patches[@]} patches from patches/$KERNEL/series"
rm -f "$TREE/.kvmfm-stamp"
git_ am --abort >/dev/null 2>&1 || true
git_ checkout -q -f --detach pristine
git_ clean -q -f -d -x
for p in "${patches[@]}"; do
	if ! git_ am -q "$SERIES/$p" >"$CACHE/git-am.log" 2>&1; then
		cat "$CACHE/git-am.log" >&2
		git_ am --abort >/dev/null 2>&1 || true
		die "patches/$KERNEL/$p does not apply to pristine $SRC_PKG $KVER_PKG (plus the patches before it in its series)"
	fi
done
echo "$stamp" >"$TREE/.kvmfm-stamp"
echo "tree ready: $TREE ($(git_ rev-parse --short HEAD))"

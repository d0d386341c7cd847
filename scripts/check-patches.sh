#!/bin/bash
# Reviewer checks of patches/$KERNEL: checkpatch.pl --strict on every patch
# (sign-off checking on); every file that the series adds whole and that has
# a home in this project (ADDED_FILES in scripts/kernels/$KERNEL) is
# identical to it; and a W=1 build of the KVM modules, pristine vs patched,
# must show no new warning.
set -euo pipefail
. "$(dirname "$0")/config.sh"

"$TOP/scripts/prepare-tree.sh" >/dev/null
mapfile -t patches < <(grep -v '^#' "$SERIES/series" | grep .)
step "checkpatch.pl --strict on ${#patches[@]} patches"
bad=0
for p in "${patches[@]}"; do
	# Two checks cannot pass here: the tree is Debian's tarball, without
	# the mainline history to look up cited commit ids in, and every new
	# file (a selftest) asks whether MAINTAINERS needs updating; the KVM
	# entries already cover it.  /usr/bin first: spdxcheck.py wants
	# Debian's python3 with python3-ply and python3-git.
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$SERIES/$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	else
		echo "  clean: $p"
	fi
done

added=$(git -C "$TREE" diff --name-only --diff-filter=A pristine HEAD)
for pair in $ADDED_FILES; do
	path=${pair%%=*} home=${pair#*=}
	if ! grep -qx "$path" <<<"$added"; then
		echo "  patches/$KERNEL adds no $path (ADDED_FILES in scripts/kernels/$KERNEL)"
		bad=1
	elif ! cmp -s "$TREE/$path" "$TOP/$home"; then
		echo "  $home differs from the $path that patches/$KERNEL adds:" \
			"run KERNEL=$KERNEL scripts/export-patches.sh WORKTREE to regenerate the patch from it"
		bad=1
	else
		echo "  same: $home and the patch that adds $path"
	fi
done

pristine_worktree
step "W=1 builds of the KVM modules, pristine and patched (about 3 minutes)"
W=1 "$TOP/scripts/build-modules.sh" "$PRISTINE" "$CACHE/build-w1-pristine" 2>/dev/null >/dev/null
W=1 "$TOP/scripts/build-modules.sh" "$TREE" "$CACHE/build-w1-patched" 2>/dev/null >/dev/null
warnings() { grep -E 'warning:' "$1.log" | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u; }
new=$(comm -13 <(warnings "$CACHE/build-w1-pristine") <(warnings "$CACHE/build-w1-patched"))
echo "  W=1 warnings: $(warnings "$CACHE/build-w1-pristine" | wc -l) pristine, $(warnings "$CACHE/build-w1-patched" | wc -l) patched"
if [ -n "$new" ]; then
	echo "$new"
	bad=1
fi
[ $bad = 0 ] && echo "patches/$KERNEL OK: checkpatch --strict clean, added files match their homes, no new W=1 warnings"
exit $bad

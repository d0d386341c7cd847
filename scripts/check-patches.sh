#!/bin/bash
# Reviewer checks of patches/: checkpatch.pl --strict on every patch, and a
# W=1 build of the KVM modules, pristine vs patched: the series must add no
# warning.
set -euo pipefail
. "$(dirname "$0")/config.sh"

"$TOP/scripts/prepare-tree.sh" >/dev/null
mapfile -t patches < <(grep -v '^#' "$TOP/patches/series" | grep .)
step "checkpatch.pl --strict on ${#patches[@]} patches"
bad=0
for p in "${patches[@]}"; do
	# Two checks cannot pass here: the tree is Debian's tarball, without
	# the mainline history to look up cited commit ids in, and every new
	# file (the selftest) asks whether MAINTAINERS needs updating; the KVM
	# entries already cover it.  /usr/bin first: spdxcheck.py wants
	# Debian's python3 with python3-ply and python3-git.
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --no-signoff -q \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$TOP/patches/$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	else
		echo "  clean: $p"
	fi
done

pristine=$CACHE/wt-pristine
[ -d "$pristine" ] || git -C "$TREE" worktree add -q --detach "$pristine" pristine
step "W=1 builds of the KVM modules, pristine and patched (about 3 minutes)"
W=1 "$TOP/scripts/build-modules.sh" "$pristine" "$CACHE/build-w1-pristine" 2>/dev/null >/dev/null
W=1 "$TOP/scripts/build-modules.sh" "$TREE" "$CACHE/build-w1-patched" 2>/dev/null >/dev/null
warnings() { grep -E 'warning:' "$1.log" | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u; }
new=$(comm -13 <(warnings "$CACHE/build-w1-pristine") <(warnings "$CACHE/build-w1-patched"))
echo "  W=1 warnings: $(warnings "$CACHE/build-w1-pristine" | wc -l) pristine, $(warnings "$CACHE/build-w1-patched" | wc -l) patched"
if [ -n "$new" ]; then
	echo "$new"
	bad=1
fi
[ $bad = 0 ] && echo "patches OK: checkpatch --strict clean, no new W=1 warnings"
exit $bad

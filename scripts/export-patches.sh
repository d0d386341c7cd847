#!/bin/bash
# Export the commits on top of the pristine tag in a work tree of the prepared
# tree (default: the prepared tree itself) as patches/NNNN-*.patch and
# rewrite patches/series.  The cover letter, patches/0000-cover-letter.patch,
# gets its subject (first line) and text from Documentation/cover-letter.txt,
# and git's shortlog and diffstat.  Authorship is this checkout's git config
# user.
#   scripts/export-patches.sh [WORKTREE]
set -euo pipefail
. "$(dirname "$0")/config.sh"

wt=${1:-$TREE}
name=$(git -C "$TOP" config user.name) || die "set git config user.name first"
email=$(git -C "$TOP" config user.email) || die "set git config user.email first"
n=$(git -C "$wt" rev-list --count pristine..HEAD)
[ "$n" -gt 0 ] || die "$wt has no commits on top of the pristine tag"

find "$TOP/patches" -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
git -C "$wt" format-patch -q --zero-commit --no-signature --from="$name <$email>" \
	--cover-letter -o "$TOP/patches" pristine..HEAD
# Fill in git's placeholders from Documentation/cover-letter.txt.
python3 - "$TOP/patches/0000-cover-letter.patch" "$TOP/Documentation/cover-letter.txt" <<'PY'
import sys
patch, text = sys.argv[1], open(sys.argv[2]).read().split('\n', 1)
s = open(patch).read()
s = s.replace('*** SUBJECT HERE ***', text[0]).replace('*** BLURB HERE ***', text[1].strip('\n'))
open(patch, 'w').write(s)
PY
(cd "$TOP/patches" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-') >"$TOP/patches/series"
echo "exported $n patches to patches/ (author $name <$email>)"

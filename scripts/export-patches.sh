#!/bin/bash
# Export the commits on top of the pristine tag in a work tree of $KERNEL's
# prepared tree (default: the prepared tree itself) as
# patches/$KERNEL/NNNN-*.patch and rewrite its series file.  First, every
# file of ADDED_FILES (scripts/kernels/$KERNEL) is copied from its home in
# this project into the commit that adds it.  The cover letter gets its
# subject (first line) and text from Documentation/cover-letter-$KERNEL.txt,
# and git's shortlog and diffstat.  Signed-off-by: this checkout's git
# config user, who is also the author of every commit but backports of
# upstream commits ("commit <sha> upstream."), which keep their author.
#   KERNEL=7.3 scripts/export-patches.sh [WORKTREE]
set -euo pipefail
. "$(dirname "$0")/config.sh"

wt=${1:-$TREE}
name=$(git -C "$TOP" config user.name) || die "set git config user.name first"
email=$(git -C "$TOP" config user.email) || die "set git config user.email first"
git_() { git -C "$wt" -c user.name="$name" -c user.email="$email" "$@"; }
n=$(git_ rev-list --count pristine..HEAD)
[ "$n" -gt 0 ] || die "$wt has no commits on top of the pristine tag"
[ -z "$(git_ status --porcelain --untracked-files=no)" ] || die "$wt has uncommitted changes"

# Authorship is this checkout's identity, whoever made the commits, except
# for backports.
upstream='^commit [0-9a-f]{40} upstream\.$'
ours=$(git_ log --format=%H --invert-grep -E --grep="$upstream" pristine..HEAD)
if [ -n "$ours" ] && git_ log --no-walk --format='%an <%ae>' $ours | grep -qvxF "$name <$email>"; then
	echo "setting the author of every commit but backports to $name <$email>"
	GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email git_ rebase -q --exec \
		"git log -1 --format=%B | grep -qE '$upstream' || git commit -q --amend --no-edit --reset-author" \
		pristine >/dev/null 2>&1 || die "git rebase in $wt failed: see git -C $wt status"
fi

for pair in $ADDED_FILES; do
	path=${pair%%=*} home=${pair#*=}
	c=$(git_ log --format=%H --diff-filter=A pristine..HEAD -- "$path")
	[ -n "$c" ] || { echo "note: no commit in $wt adds $path (make patches will fail)"; continue; }
	git_ show "HEAD:$path" | cmp -s - "$TOP/$home" && continue
	echo "updating $path in $(git_ log -1 --format='%h ("%s")' "$c") from $home"
	cp "$TOP/$home" "$wt/$path"
	git_ commit -q --fixup="$c" -- "$path"
	GIT_SEQUENCE_EDITOR=: git_ rebase -q -i --autosquash pristine
done

find "$SERIES" -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
git_ format-patch -q --zero-commit --no-signature --signoff --base=pristine --from="$name <$email>" \
	--cover-letter -o "$SERIES" pristine..HEAD
# Fill in git's placeholders from the cover letter's text.
python3 - "$SERIES/0000-cover-letter.patch" "$TOP/Documentation/cover-letter-$KERNEL.txt" <<'PY'
import sys
patch, text = sys.argv[1], open(sys.argv[2]).read().split('\n', 1)
s = open(patch).read()
s = s.replace('*** SUBJECT HERE ***', text[0]).replace('*** BLURB HERE ***', text[1].strip('\n'))
open(patch, 'w').write(s)
PY
(cd "$SERIES" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-') >"$SERIES/series"
echo "exported $n patches to patches/$KERNEL/ (author $name <$email>)"

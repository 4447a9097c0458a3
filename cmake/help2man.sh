#!/bin/sh
# help2man.sh PROGRAM NAME SUMMARY VERSION > NAME.1: a man page from the
# program's own --help, so the two never disagree.  The usage lines become
# the SYNOPSIS and the rest the DESCRIPTION, both as written (no filling).
set -eu
prog=$1 name=$2 summary=$3 version=$4
help=$("$prog" --help)
upper=$(printf '%s' "$name" | tr 'a-z' 'A-Z')
# roff: a backslash is \e; a line that starts with . or ' is escaped with \&
esc() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
printf '.TH %s 1 "" "deptperf %s" "deptperf"\n' "$upper" "$version"
printf '.SH NAME\n%s \\- %s\n' "$name" "$summary"
printf '.SH SYNOPSIS\n.nf\n'
# the usage lines: up to the first blank line
printf '%s\n' "$help" | sed -n '1,/^$/p' | sed '/^$/d' | sed -e '1s/^usage: //' -e '2,$s/^       //' | esc
printf '.fi\n.SH DESCRIPTION\n.nf\n'
printf '%s\n' "$help" | sed '1,/^$/d' | esc
printf '.fi\n.SH SEE ALSO\n'
printf 'dp-run(1), dp-ingest(1), dp-normalize(1), dp-validate(1), dp-score(1), dp-aggregate(1);\n'
printf 'the finding codes: dp-run --list-findings; the field dictionary: dp-run --list-fields;\n'
printf 'README.md and docs/ in the source tree.\n'

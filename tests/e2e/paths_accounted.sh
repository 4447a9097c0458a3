#!/usr/bin/env bash
# Anything under an input folder is accounted for (SPEC §2.1): a FIFO (never
# opened: the run would hang on it), a socket, a dangling link, a link loop
# and a link to a folder are listed as skipped with W-SKIPPED; a file and a
# folder that cannot be read are listed as rejected with E-UNREADABLE, and
# the rest of the batch is published.  inputs.csv.gz lists exactly what
# find lists, and the manifest's counts are those.
source "$(dirname "$0")/lib.bash"
in="$T/in"
mkdir -p "$in/sub" "$T/elsewhere"
cp "$DP_SRC/sample-data/inputs/forms/440000015-hrss-service-center.csv" "$in/"
cp "$DP_SRC/sample-data/inputs/forms/gen-01-440000100-0.csv" "$in/sub/"
mkfifo "$in/pipe.csv"
ln -s "$T/nonexistent.csv" "$in/dangling.csv"
ln -s loop.csv "$in/loop.csv"
ln -s "$T/elsewhere" "$in/folder-link"
have_socket=false
if command -v python3 >/dev/null; then
	python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$in/sock.csv" && have_socket=true
fi
# a hang on the FIFO ends the test, not the suite
expect_rc 0 timeout 300 "$DP_BIN/dp-run" --input "$in" --out "$T/out"
zcat "$T/out/latest/inputs.csv.gz" | sed 1d >"$T/inputs.csv"
zcat "$T/out/latest/findings.csv.gz" >"$T/findings.csv"
for f in pipe.csv dangling.csv loop.csv folder-link; do
	grep -q "^$in/$f,.*,skipped$" "$T/inputs.csv" || fail "$f not listed as skipped: $(cat "$T/inputs.csv")"
	grep -q "^warning,W-SKIPPED,$in/$f," "$T/findings.csv" || fail "$f has no W-SKIPPED"
done
if $have_socket; then grep -q "^$in/sock.csv,.*,skipped$" "$T/inputs.csv" || fail "the socket is not listed"; fi
grep -q "命名管道" "$T/findings.csv" || fail "the FIFO's finding does not say what it is"
[ "$(wc -l <"$T/inputs.csv")" -eq "$(find "$in" -mindepth 1 ! -type d | wc -l)" ] ||
	fail "inputs.csv.gz lists $(wc -l <"$T/inputs.csv") entries, find $(find "$in" -mindepth 1 ! -type d | wc -l)"
[ "$(zcat "$T/out/latest/rankings.csv.gz" | wc -l)" -eq 3 ] || fail "the two forms were not ranked"
# the manifest's counts: those of inputs.csv.gz, and of find
counts() { # counts RUN INPUTS.CSV: files, rejected and skipped agree
	local m="$1/manifest.csv" all
	all=$(find "$in" -mindepth 1 ! -type d | wc -l)
	grep -qx "files,$all" "$m" || fail "manifest $(grep '^files,' "$m"), find lists $all"
	grep -qx "files_skipped,$(grep -c ',skipped$' "$2")" "$m" || fail "manifest $(grep '^files_skipped,' "$m")"
	grep -qx "files_rejected,$(grep -c ',rejected$' "$2")" "$m" || fail "manifest $(grep '^files_rejected,' "$m")"
}
counts "$T/out/latest" "$T/inputs.csv"
# unreadable file and folder: as a user who cannot read them (root reads
# everything, so root runs this part as nobody)
as=()
bin=$DP_BIN
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null || { echo "paths accounted (no setpriv: unreadable part skipped)"; exit 0; }
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	# nobody may not reach the build tree (a clone in a private folder):
	# the programs and the rules are copied where it can
	mkdir -p "$T/bin" "$T/rules"
	cp "$DP_BIN"/dp-* "$T/bin/"
	cp "$DP_SRC/pipeline/rules/"*.csv "$T/rules/"
	export DEPTPERF_RULES_DIR="$T/rules"
	bin="$T/bin"
	chmod 755 "$T"
	chmod -R a+rX "$in" "$T/bin" "$T/rules"
	mkdir -p "$T/out2" && chown 65534 "$T/out2"
else
	mkdir -p "$T/out2"
fi
mkdir -p "$in/locked"
cp "$DP_SRC/sample-data/inputs/forms/gen-02-440000101-0.csv" "$in/locked/"
chmod 000 "$in/locked"
cp "$DP_SRC/sample-data/inputs/forms/gen-03-440000102-0.csv" "$in/secret.csv"
chmod 000 "$in/secret.csv"
expect_rc 1 "${as[@]}" timeout 300 "$bin/dp-run" --input "$in" --out "$T/out2"
zcat "$T/out2/latest/inputs.csv.gz" >"$T/inputs2.csv"
zcat "$T/out2/latest/findings.csv.gz" >"$T/findings2.csv"
for f in locked secret.csv; do
	grep -q "^$in/$f,.*,rejected$" "$T/inputs2.csv" || fail "$f not listed as rejected: $(cat "$T/inputs2.csv")"
	grep -q "^error,E-UNREADABLE,$in/$f,.*Permission denied" "$T/findings2.csv" || fail "$f: $(cat "$T/findings2.csv")"
done
[ "$(zcat "$T/out2/latest/rankings.csv.gz" | wc -l)" -eq 3 ] || fail "the readable forms were not ranked"
# an unreadable folder is one entry (what is inside cannot be listed)
grep -qx "files,$(($(wc -l <"$T/inputs2.csv") - 1))" "$T/out2/latest/manifest.csv" ||
	fail "manifest $(grep '^files,' "$T/out2/latest/manifest.csv") for $(($(wc -l <"$T/inputs2.csv") - 1)) entries"
chmod 755 "$in/locked"
echo "paths accounted: FIFO, socket, links skipped; unreadable file and folder rejected; the rest published"

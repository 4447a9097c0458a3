#!/usr/bin/env bash
# Installs the Debian packages deptperf needs, only those missing; says what
# it installs.  Idempotent.  Runs apt-get as root (directly or through sudo).
set -euo pipefail
pkgs=(build-essential cmake pkg-config libcsv-dev zlib1g-dev nettle-dev libdeflate-dev libxlsxwriter-dev libzip-dev libexpat1-dev libfreexl-dev libcriterion-dev procps)
for flag in "$@"; do
	case "$flag" in
	--with-bench) pkgs+=(time gzip libdeflate-tools) ;;
	# scripts/fuzz: clang, its libFuzzer runtime, and the OpenMP clang links against
	--with-fuzz) pkgs+=(clang libclang-rt-14-dev libomp-14-dev) ;;
	--with-tests) pkgs+=(unzip python3-xlwt) ;; # the tests open report.xlsx and write .xls (scripts/csv2xls)
	# e2e report_browser only: chromium opens report.html, a CJK font draws
	# it, libpng reads the screenshot; deptperf itself needs none of them
	--with-browser) pkgs+=(chromium fonts-wqy-microhei libpng-dev) ;;
	*) echo "deps: unknown flag $flag (--with-bench, --with-fuzz, --with-tests, --with-browser)" >&2; exit 64 ;;
	esac
done
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all present (${pkgs[*]})"
	exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "deps: missing ${missing[*]}; as root, run: apt-get update && apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"

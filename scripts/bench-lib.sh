# Shared by scripts/bench and scripts/bench-ab (sourced).

# The median of the numbers on stdin, one per line ("-" when none).
median() { sort -g | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "-"}'; }

# stage_secs LOG STAGE: the seconds the stage reported in a dp-run log.
stage_secs() { sed -n "s/^dp-$2: .*(\([0-9.]*\) s).*/\1/p" "$1"; }

#!/usr/bin/env bash
# The PostgreSQL COPY path end to end (`data-exporter export`: policy applied, snappy Parquet,
# local store) next to the raw `psql -c "COPY (…) TO STDOUT (FORMAT binary)" > /dev/null` of the
# same rows, alternating three times in one run, on a throwaway PostgreSQL 15 (scripts/pg-cluster).
# Usage: [ROWS=2000000] [EXE=build/release/src/data-exporter] bench/pg_export_vs_copy.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXE=${EXE:-$here/../build/release/src/data-exporter}
ROWS=${ROWS:-2000000}
d=$(mktemp -d /tmp/de-pgm-XXXXXX); chmod 755 $d
$here/../scripts/pg-cluster start $d/pg >/dev/null
trap '$here/../scripts/pg-cluster stop $d/pg >/dev/null; rm -rf $d' EXIT
set -a; eval "$($here/../scripts/pg-cluster env $d/pg)"; set +a
psql -X -q -c "CREATE TABLE big_events AS SELECT i::bigint AS id,
  timestamp '2026-11-20' + (i * interval '1 millisecond' * 40) AS t,
  md5(i::text) AS s, (i % 1000) / 7.0::double precision AS v, (i % 100000)::numeric(12,2) / 100 AS n,
  (i % 2 = 0) AS b, ('0000000' || lpad(to_hex(i), 25, '0'))::text AS h
  FROM generate_series(1, $ROWS) i; ANALYZE big_events;"
mkdir -p $d/pol
printf 'source,classification\n' > $d/pol/actual_data_classifications.csv
printf 'table_name,metric_name,classification,treatment\n' > $d/pol/long_table_data_classifications.csv
printf 'table_name,enabled,time_column,source_column,metric_column\nbig_events,true,t,,\n' > $d/pol/export_tables.csv
{ printf 'table_name,column_name,classification,treatment,pii\n'
  for c in id t s v n b h; do printf 'big_events,%s,nr,,false\n' $c; done; } > $d/pol/data_column_classification.csv
cat > $d/de.toml <<TOML
[service]
data_dir = "$d/var"
log_format = "human"
[warehouse]
backend = "postgres"
conninfo = "$DE_PG_CONNINFO"
TOML
$EXE --config $d/de.toml policy import $d/pol >/dev/null
start=1795132800; end=$((start + 86400))
for i in 1 2 3; do
  t0=$(date +%s.%N)
  psql -X -q -c "COPY (SELECT id, t, s, v, n, b, h FROM big_events WHERE t >= to_timestamp($start) AT TIME ZONE 'UTC' AND t < to_timestamp($end) AT TIME ZONE 'UTC') TO STDOUT (FORMAT binary)" > /dev/null
  t1=$(date +%s.%N)
  rm -rf $d/var/objects
  $EXE --config $d/de.toml export --start $start --end $end > $d/out.txt 2>&1
  t2=$(date +%s.%N)
  rows=$(grep -E "^big_events" $d/out.txt | awk '{print $3}' | tr -d ,)
  echo "pair $i: psql COPY binary $(echo "$ROWS / ($t1 - $t0)" | bc) rows/s; data-exporter export $(echo "$rows / ($t2 - $t1)" | bc) rows/s ($rows rows, $(du -sh $d/var/objects | cut -f1))"


done

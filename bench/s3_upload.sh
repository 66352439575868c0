#!/usr/bin/env bash
# Upload throughput of an export to S3 (moto_server with SigV4 + IAM authentication on, started
# and stopped by scripts/with-moto) and the exporter's peak RSS while it ran, next to the same
# export to the local store. The table holds incompressible text (hex of random bytes), so the
# Parquet files are about SIZE_MB in total.
# Usage: [SIZE_MB=1024] [EXE=build/release/src/data-exporter] bench/s3_upload.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export EXE=${EXE:-$here/../build/release/src/data-exporter}
export SIZE_MB=${SIZE_MB:-1024}
export BENCH_DIR=$(mktemp -d /tmp/de-s3b-XXXXXX)
trap 'rm -rf $BENCH_DIR' EXIT
rows=$(( SIZE_MB * 1024 * 1024 / 1000 ))
python3 - "$BENCH_DIR/warehouse.db" "$rows" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE big_blobs (id INTEGER NOT NULL, t TIMESTAMP NOT NULL, payload TEXT)")
db.execute("""WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
              INSERT INTO big_blobs SELECT i, 1795132800 + i % 86400, hex(randomblob(496))
              FROM n""", (int(sys.argv[2]),))
db.commit()
PY
mkdir -p $BENCH_DIR/pol
printf 'source,classification\n' > $BENCH_DIR/pol/actual_data_classifications.csv
printf 'table_name,metric_name,classification,treatment\n' > $BENCH_DIR/pol/long_table_data_classifications.csv
printf 'table_name,enabled,time_column,source_column,metric_column\nbig_blobs,true,t,,\n' > $BENCH_DIR/pol/export_tables.csv
{ printf 'table_name,column_name,classification,treatment,pii\n'
  for c in id t payload; do printf 'big_blobs,%s,nr,,false\n' $c; done; } > $BENCH_DIR/pol/data_column_classification.csv

"$here/../scripts/with-moto" -- bash -c '
set -euo pipefail
d=$BENCH_DIR
python3 -c "import boto3, os; boto3.client(\"s3\", endpoint_url=os.environ[\"DE_S3_ENDPOINT\"], region_name=os.environ[\"DE_S3_REGION\"], aws_access_key_id=os.environ[\"DE_S3_ACCESS_KEY_ID\"], aws_secret_access_key=os.environ[\"DE_S3_SECRET_ACCESS_KEY\"]).create_bucket(Bucket=\"de-bench\")"
common="[service]
data_dir = \"$d/var\"
log_format = \"human\"
[warehouse]
path = \"$d/warehouse.db\"
[export]
batch_rows = 8192"
printf "%s\n" "$common" > $d/local.toml
printf "%s\n[storage]\nbackend = \"s3\"\nbucket = \"de-bench\"\nendpoint = \"%s\"\nregion = \"%s\"\naddressing = \"path\"\n" \
  "$common" "$DE_S3_ENDPOINT" "$DE_S3_REGION" > $d/s3.toml
$EXE --config $d/local.toml policy import $d/pol > /dev/null
export AWS_ACCESS_KEY_ID=$DE_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$DE_S3_SECRET_ACCESS_KEY
start=1795132800; end=$((start + 86400))
for target in local s3; do
  rm -rf $d/var/objects
  t0=$(date +%s.%N)
  /usr/bin/time -v $EXE --config $d/$target.toml export --start $start --end $end \
    > $d/out.txt 2> $d/time.txt || { cat $d/out.txt $d/time.txt; exit 1; }
  t1=$(date +%s.%N)
  if [ $target = local ]; then
    bytes=$(find $d/var/objects -name "*.parquet" -printf "%s\n" | paste -sd+ | bc)
  else
    bytes=$(python3 -c "import boto3, os; s3 = boto3.client(\"s3\", endpoint_url=os.environ[\"DE_S3_ENDPOINT\"], region_name=os.environ[\"DE_S3_REGION\"]); print(sum(o[\"Size\"] for p in s3.get_paginator(\"list_objects_v2\").paginate(Bucket=\"de-bench\") for o in p.get(\"Contents\", []) if o[\"Key\"].endswith(\".parquet\")))")
  fi
  rss=$(grep "Maximum resident set size" $d/time.txt | awk "{print \$NF}")
  echo "$target: $(echo "scale=1; $bytes / 1048576" | bc) MiB of Parquet in $(echo "scale=1; ($t1 - $t0) / 1" | bc) s = $(echo "scale=1; $bytes / 1048576 / ($t1 - $t0)" | bc) MiB/s; peak RSS $(( rss / 1024 )) MiB"
done
'

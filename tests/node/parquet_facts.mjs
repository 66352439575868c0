// Prints, for each Parquet file given, what DuckDB (an independent reader) sees in it:
// { "<path>": { "rows": N, "columns": [{ "name": ..., "type": ... }] } }
import { DuckDBInstance } from '@duckdb/node-api';

const files = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const out = {};
for (const file of files) {
  const quoted = `'${file.replaceAll("'", "''")}'`;
  const count = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet(${quoted})`);
  const describe = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`);
  out[file] = {
    rows: Number(count.getRowObjects()[0].n),
    columns: describe.getRowObjects().map((r) => ({ name: r.column_name, type: r.column_type })),
  };
}
process.stdout.write(JSON.stringify(out));

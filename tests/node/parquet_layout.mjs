// Prints, for each Parquet file given, the file-level facts DuckDB (an independent reader) reads
// from its footer, and the values of one key column in file order:
// { "<path>": { "created_by": "...", "key_value_metadata": [{ "key", "value" }],   // file order
//               "row_groups": [rows of each row group], "keys": ["<value as text>", ...] } }
//
// Usage: node parquet_layout.mjs KEY_COLUMN FILE.parquet...
import { DuckDBInstance } from '@duckdb/node-api';

const [key, ...files] = process.argv.slice(2);
if (!key || files.length === 0) {
  process.stderr.write('usage: node parquet_layout.mjs KEY_COLUMN FILE.parquet...\n');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run('SET threads = 1');  // one scan thread: rows come back in file order
const quote = (text) => `'${text.replaceAll("'", "''")}'`;
const quoteName = (text) => `"${text.replaceAll('"', '""')}"`;
const decoder = new TextDecoder();
const text = (value) => (value instanceof Uint8Array ? decoder.decode(value) : String(value));

const out = {};
for (const file of files) {
  const f = quote(file);
  const meta = await conn.runAndReadAll(`SELECT created_by FROM parquet_file_metadata(${f})`);
  const kv = await conn.runAndReadAll(`SELECT key, value FROM parquet_kv_metadata(${f})`);
  const groups = await conn.runAndReadAll(
      `SELECT row_group_id, any_value(row_group_num_rows)::BIGINT AS n FROM parquet_metadata(${f}) ` +
      'GROUP BY row_group_id ORDER BY row_group_id');
  const keys = await conn.runAndReadAll(
      `SELECT ${quoteName(key)}::VARCHAR AS k FROM read_parquet(${f})`);
  out[file] = {
    created_by: meta.getRowObjects()[0].created_by,
    key_value_metadata: kv.getRowObjects().map((r) => ({ key: text(r.key), value: text(r.value) })),
    row_groups: groups.getRowObjects().map((r) => Number(r.n)),
    keys: keys.getRowObjects().map((r) => r.k),
  };
}
process.stdout.write(JSON.stringify(out));

// Prints every value of every column of each Parquet file given, as DuckDB (an independent
// reader) reads it, cast to VARCHAR, as JSON lines:
//   {"file": "<path>", "columns": [{"name": ..., "type": ...}, ...]}   once per file, then
//   ["value", null, ...]                                                once per row of it
// The leak test searches these values for personal data. Exits non-zero if DuckDB cannot read a
// file.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeSync } from 'node:fs';

// Buffers output and writes it synchronously in large pieces: fast, and complete at exit even
// when stdout is a pipe.
let pending = [];
let pendingBytes = 0;
function emit(line) {
  pending.push(line);
  pendingBytes += line.length;
  if (pendingBytes > (4 << 20)) flush();
}
function flush() {
  if (pending.length === 0) return;
  const buffer = Buffer.from(pending.join('\n') + '\n', 'utf8');
  let written = 0;
  while (written < buffer.length) {
    try {
      written += writeSync(1, buffer, written, buffer.length - written);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
  pending = [];
  pendingBytes = 0;
}

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
for (const file of process.argv.slice(2)) {
  const source = `read_parquet('${file.replaceAll("'", "''")}')`;
  const describe = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  const columns = describe.getRowObjects().map((r) => ({ name: r.column_name, type: r.column_type }));
  const quoted = columns.map((c) => `CAST("${c.name.replaceAll('"', '""')}" AS VARCHAR)`);
  const result = await conn.stream(`SELECT ${quoted.join(', ')} FROM ${source}`);
  emit(JSON.stringify({ file, columns }));
  for await (const chunk of result.yieldRowsJs()) {
    for (const row of chunk) emit(JSON.stringify(row));
  }
}
flush();

// The DuckDB anchor of bench/run: DuckDB's own Parquet writer on the same table, with the table
// already in DuckDB's memory, as ../shared/BENCHMARK.md measured it. DuckDB comes from npm
// (@duckdb/node-api in tests/node, installed by `scripts/install-deps --test`).
//
//   node bench/duckdb_anchor.mjs load CSV DBFILE TABLE COLUMNS_JSON
//       builds DBFILE (a DuckDB database) holding TABLE from a headerless CSV file with the
//       given column types ({"name": "DUCKDB TYPE", …}, in order); prints {"rows": N}
//   node bench/duckdb_anchor.mjs serve DBFILE TABLE
//       copies TABLE into an in-memory table, prints {"loaded_rows": N}, then answers commands
//       on stdin, one JSON line each:
//         write PATH [threads=N] [codec=snappy|zstd]   COPY … TO PATH (FORMAT parquet)
//                                                        -> {"seconds": …, "bytes": …}
//         quit
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'node', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const quote = (text) => `'${text.replaceAll("'", "''")}'`;
const ident = (name) => `"${name.replaceAll('"', '""')}"`;

async function load(csv, dbfile, table, columns) {
  const instance = await DuckDBInstance.create(dbfile);
  const conn = await instance.connect();
  const spec = Object.entries(columns).map(([n, t]) => `${quote(n)}: ${quote(t)}`).join(', ');
  await conn.run(`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM read_csv(${quote(csv)},
      header = false, columns = {${spec}}, nullstr = '', quote = '"', escape = '"')`);
  const n = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${ident(table)}`);
  await conn.run('CHECKPOINT');
  process.stdout.write(JSON.stringify({ rows: Number(n.getRowObjects()[0].n) }) + '\n');
}

async function serve(dbfile, table) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`ATTACH ${quote(dbfile)} AS src (READ_ONLY)`);
  await conn.run(`CREATE TABLE t AS SELECT * FROM src.${ident(table)}`);
  await conn.run('DETACH src');
  const n = await conn.runAndReadAll('SELECT count(*)::BIGINT AS n FROM t');
  process.stdout.write(JSON.stringify({ loaded_rows: Number(n.getRowObjects()[0].n) }) + '\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, target, ...options] = line.trim().split(/\s+/);
    if (command === 'quit') break;
    let answer;
    try {
      if (command !== 'write' || !target) throw new Error("expected 'write PATH [key=value…]'");
      const opts = Object.fromEntries(options.map((o) => o.split('=')));
      await conn.run(`SET threads = ${Number(opts.threads ?? 1)}`);
      const codec = opts.codec ?? 'snappy';
      if (!['snappy', 'zstd', 'uncompressed'].includes(codec)) throw new Error(`codec ${codec}`);
      const t0 = process.hrtime.bigint();
      await conn.run(`COPY t TO ${quote(target)} (FORMAT parquet, COMPRESSION ${codec})`);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      answer = { seconds, bytes: statSync(target).size };
    } catch (e) {
      answer = { error: String(e.message ?? e) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'load') {
  await load(args[0], args[1], args[2], JSON.parse(args[3]));
} else if (mode === 'serve') {
  await serve(args[0], args[1]);
} else {
  process.stderr.write('usage: duckdb_anchor.mjs load CSV DBFILE TABLE COLUMNS_JSON | serve DBFILE TABLE\n');
  process.exit(2);
}

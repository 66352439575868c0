// node read_parquet.mjs DIR
//
// Reads every Parquet file described by a DIR/*.expected.json (written by parquet_matrix) with
// three independent readers and compares everything with the expectation:
//   duckdb        DuckDB types, parquet_schema() logical types, every value
//   hyparquet     footer schema and logical types, every value
//   parquet-wasm  Arrow schema (arrow-rs type mapping) and every value, footer facts
//   metadata      DuckDB parquet_file_metadata/parquet_kv_metadata/parquet_metadata: created_by,
//                 key-value metadata, row groups, codec, encodings, statistics of every chunk
//   pages         page headers of every chunk (hyparquet's parser): sizes, offsets, counts
//   page-index    OffsetIndex and ColumnIndex of every chunk against its pages and values
//   bloom         bloom filters (hyparquet's reader and hash, DuckDB's parquet_bloom_probe)
// and, for files written by RotatingFileWriter, that each set of files holds every row once.
// Prints one line per file and check, then "N passed, M failed"; exits 1 on any failure.
// Reader limitations accepted in lib/known_limitations.mjs are printed first.
import fs from 'node:fs';
import path from 'node:path';

import { checkWithDuckdb, DuckDb } from './lib/duckdb_reader.mjs';
import { checkFileFacts } from './lib/file_facts.mjs';
import { checkWithHyparquet } from './lib/hyparquet_reader.mjs';
import { KNOWN_LIMITATIONS } from './lib/known_limitations.mjs';
import { checkBloomFilters, checkBloomWithDuckdb, checkPageIndex } from './lib/page_index.mjs';
import { checkPageLayout } from './lib/page_layout.mjs';
import { checkWithParquetWasm } from './lib/parquet_wasm_reader.mjs';

const CHECKS = [
  { name: 'duckdb', run: (ctx) => checkWithDuckdb(ctx.db, ctx.file, ctx.expected) },
  { name: 'hyparquet', run: (ctx) => checkWithHyparquet(ctx.buffer, ctx.expected) },
  { name: 'parquet-wasm', run: (ctx) => checkWithParquetWasm(ctx.buffer, ctx.expected) },
  { name: 'metadata', run: (ctx) => checkFileFacts(ctx.db, ctx.file, ctx.buffer, ctx.expected) },
  { name: 'pages', run: (ctx) => checkPageLayout(ctx.buffer, ctx.expected) },
  { name: 'page-index', run: (ctx) => checkPageIndex(ctx.buffer, ctx.expected) },
  {
    name: 'bloom',
    run: async (ctx) => checkBloomFilters(ctx.buffer, ctx.expected) ??
                        await checkBloomWithDuckdb(ctx.db, ctx.file, ctx.expected),
  },
];

const tally = { passed: 0, failed: 0 };

function report(check, subject, problem) {
  const label = check.padEnd(12);
  if (problem === null) {
    tally.passed += 1;
    console.log(`ok    ${label} ${subject}`);
  } else {
    tally.failed += 1;
    console.log(`FAIL  ${label} ${subject}: ${problem}`);
  }
}

async function runCheck(check, ctx) {
  try {
    return await check.run(ctx);
  } catch (error) {
    return `error: ${error.message ?? error}`;
  }
}

// Parsed DIR/*.expected.json files, by name; an unreadable one is reported and left out.
function loadExpectations(dir) {
  const expectations = [];
  for (const name of fs.readdirSync(dir).filter(n => n.endsWith('.expected.json')).sort()) {
    try {
      expectations.push(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
    } catch (error) {
      report('setup', name, `unreadable: ${String(error.message).slice(0, 200)}`);
    }
  }
  return expectations;
}

// The files of one RotatingFileWriter set: numbered 0..n-1, each a whole number of batches,
// together every row once; every file but the last was closed on reaching max_file_bytes; the
// sizes reported by the writer are the sizes on disk.
function rotationProblem(dir, files) {
  files.sort((a, b) => a.rotation.index - b.rotation.index);
  const { total_rows: totalRows, batch_rows: batchRows, max_file_bytes: maxBytes } =
      files[0].rotation;
  let nextRow = 0;
  for (const [i, { file, num_rows: rows, rotation }] of files.entries()) {
    const size = fs.statSync(path.join(dir, file)).size;
    if (rotation.index !== i || rotation.file_count !== files.length) {
      return `${file} is number ${rotation.index} of ${rotation.file_count}, ` +
             `found ${files.length} files`;
    }
    if (rotation.first_row !== nextRow) {
      return `${file} starts at row ${rotation.first_row}, not ${nextRow}`;
    }
    if (batchRows > 0 && rows % batchRows !== 0) {
      return `${file} holds ${rows} rows, not whole batches of ${batchRows}`;
    }
    if (rotation.reported_bytes !== size) {
      return `${file} is ${size} bytes, the writer reported ${rotation.reported_bytes}`;
    }
    if (i + 1 < files.length && (rows === 0 || size < maxBytes)) {
      return `${file} (${rows} rows, ${size} bytes) was closed before reaching ${maxBytes} bytes`;
    }
    nextRow += rows;
  }
  if (nextRow !== totalRows) return `files hold ${nextRow} rows, ${totalRows} were written`;
  if (totalRows === 0 && files.length !== 1) return `${files.length} files for no rows, expected 1`;
  return null;
}

function checkRotationSets(dir, expectations) {
  const sets = new Map();
  for (const e of expectations.filter(e => e.rotation)) {
    sets.set(e.rotation.set, [...(sets.get(e.rotation.set) ?? []), e]);
  }
  for (const [name, files] of sets) {
    report('rotation', `${name} (${files.length} files)`, rotationProblem(dir, files));
  }
}

async function main() {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node read_parquet.mjs DIR');
    process.exit(2);
  }
  for (const l of KNOWN_LIMITATIONS) {
    console.log(`known limitation [${l.reader}] ${l.type} ${l.scope}: ${l.what}; ` +
                `covered: ${l.covered}`);
  }
  const expectations = loadExpectations(dir);
  if (expectations.length === 0 && tally.failed === 0) {
    report('setup', dir, 'no *.expected.json files');
  }
  const db = await DuckDb.open();
  for (const expected of expectations) {
    const file = path.join(dir, expected.file);
    if (!fs.existsSync(file)) {
      report('setup', expected.file, 'file missing');
      continue;
    }
    const ctx = { db, file, expected, buffer: fs.readFileSync(file) };
    for (const check of CHECKS) report(check.name, expected.file, await runCheck(check, ctx));
  }
  checkRotationSets(dir, expectations);
  db.close();
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed === 0 ? 0 : 1);
}

await main();

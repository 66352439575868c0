// File-level facts through DuckDB's parquet_file_metadata(), parquet_kv_metadata() and
// parquet_metadata(): created_by, key-value metadata in order, row groups, and for every column
// chunk its codec, value count, encodings and statistics (min, max, null_count).
import { hyparquet } from './deps.mjs';
import { sqlString } from './duckdb_reader.mjs';
import { toArrayBuffer } from './hyparquet_reader.mjs';
import { limitation } from './known_limitations.mjs';
import { expectedStatistics, parseDuckdbStatistic, statisticsMismatch } from './statistics.mjs';
import { floatValue, sameJson, stableJson } from './values.mjs';

const DICTIONARY_ENCODINGS = ['RLE_DICTIONARY', 'PLAIN_DICTIONARY'];

function mismatch(what, want, got) {
  if (sameJson(want, got)) return null;
  return `${what} expected ${stableJson(want)}, got ${stableJson(got)}`;
}

async function checkFileMetadata(db, file, expected) {
  const [meta] = await db.rows(`SELECT * FROM parquet_file_metadata(${sqlString(file)})`);
  const kv = await db.rows(`SELECT decode(key) AS key, decode(value) AS value ` +
                           `FROM parquet_kv_metadata(${sqlString(file)})`);
  return mismatch('created_by', expected.created_by, meta.created_by) ??
         mismatch('num_rows', expected.num_rows, Number(meta.num_rows)) ??
         mismatch('num_row_groups', expected.row_groups.length, Number(meta.num_row_groups)) ??
         mismatch('key_value_metadata', expected.key_value_metadata,
                  kv.map(({ key, value }) => ({ key, value })));
}

// The encodings a chunk must (not) list, from the case's dictionary_use.
function encodingMismatch(column, encodings, values, expected) {
  const hasDictionary = encodings.some(e => DICTIONARY_ENCODINGS.includes(e));
  const use = expected.dictionary_use;
  if (use === 'none') return hasDictionary ? `dictionary encoding: ${encodings}` : null;
  if (use === 'any' || column.type === 'bool' || !values.some(v => v !== null)) return null;
  if (!hasDictionary) return `no dictionary encoding (dictionary_use ${use}): ${encodings}`;
  if (use === 'fallback' && !encodings.includes('PLAIN')) {
    return `no fallback to PLAIN with dictionary_page_limit = ` +
           `${expected.writer_options.dictionary_page_limit}: ${encodings}`;
  }
  return null;
}

// See known_limitations.mjs: DuckDB hides infinite float bounds, so those are read from the
// footer as hyparquet parses it.
function withInfiniteBoundsFromFooter(column, stats, values, footerStats) {
  if (!limitation('duckdb', column.type, 'statistics')) return stats;
  const want = expectedStatistics(column, values);
  const fixed = { ...stats };
  for (const [bound, field] of [['min', 'min_value'], ['max', 'max_value']]) {
    const infinite = want[bound] === 'Infinity' || want[bound] === '-Infinity';
    if (infinite && stats[bound] === undefined && footerStats?.[field] !== undefined) {
      fixed[bound] = floatValue(footerStats[field]);
    }
  }
  return fixed;
}

function checkChunk(chunk, column, values, expected, footerStats) {
  const codec = expected.writer_options.codec.toUpperCase();
  const encodings = chunk.encodings.split(/,\s*/);
  const stats = withInfiniteBoundsFromFooter(column, {
    nullCount: chunk.stats_null_count === null ? undefined : Number(chunk.stats_null_count),
    min: parseDuckdbStatistic(column, chunk.stats_min_value),
    max: parseDuckdbStatistic(column, chunk.stats_max_value),
    minExact: chunk.min_is_exact,
    maxExact: chunk.max_is_exact,
  }, values, footerStats);
  return mismatch('path', column.name, chunk.path_in_schema) ??
         mismatch('compression', codec, chunk.compression) ??
         mismatch('num_values', values.length, Number(chunk.num_values)) ??
         encodingMismatch(column, encodings, values, expected) ??
         statisticsMismatch(column, values, stats, expected.writer_options.max_statistics_bytes);
}

async function checkChunks(db, file, buffer, expected) {
  const footer = hyparquet.parquetMetadata(toArrayBuffer(buffer));
  const chunks = await db.rows(`SELECT * FROM parquet_metadata(${sqlString(file)}) ` +
                               `ORDER BY row_group_id, column_id`);
  const width = expected.columns.length;
  if (chunks.length !== expected.row_groups.length * width) {
    return `expected ${expected.row_groups.length * width} column chunks, got ${chunks.length}`;
  }
  let firstRow = 0;
  for (const [group, rows] of expected.row_groups.entries()) {
    const chunk0 = chunks[group * width];
    const groupMismatch =
        mismatch(`row group ${group} rows`, rows, Number(chunk0.row_group_num_rows));
    if (groupMismatch) return groupMismatch;
    for (const [i, column] of expected.columns.entries()) {
      const values = column.values.slice(firstRow, firstRow + rows);
      const footerStats = footer.row_groups[group]?.columns[i]?.meta_data?.statistics;
      const chunkMismatch =
          checkChunk(chunks[group * width + i], column, values, expected, footerStats);
      if (chunkMismatch) return `row group ${group} column ${column.name}: ${chunkMismatch}`;
    }
    firstRow += rows;
  }
  return null;
}

// Returns null when every file-level fact matches, else the first mismatch.
export async function checkFileFacts(db, file, buffer, expected) {
  return (await checkFileMetadata(db, file, expected)) ??
         (await checkChunks(db, file, buffer, expected));
}

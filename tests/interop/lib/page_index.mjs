// The page index and bloom filters of every column chunk, read with hyparquet's own parsers
// (readOffsetIndex, readColumnIndex, readBloomFilter, hashParquetValue, sbbfContains) and
// DuckDB's parquet_bloom_probe:
//   page-index  with page_index on, every chunk has an OffsetIndex whose locations are exactly
//               its data pages (offset, size with header, first row), and a ColumnIndex whose
//               null_pages, null_counts and min/max are those of the values each page holds
//               (byte arrays may be truncated to valid bounds) and whose boundary_order holds;
//               a chunk may lack the ColumnIndex only if one of its pages holds only NaN.
//               With page_index off, no chunk points at either.
//   bloom       every chunk of a column in bloom_filter_columns has a filter that contains each
//               of the chunk's values and rejects random probes about as often as the
//               configured false-positive rate says; DuckDB agrees on present values.
import { hyparquet, hyparquetBloom, hyparquetColumn } from './deps.mjs';
import { toArrayBuffer } from './hyparquet_reader.mjs';
import { compareValues, statisticsMismatch } from './statistics.mjs';
import { bigEndianSigned, dateDays, dateString, decimalParams, decimalString, decimalUnscaled,
         floatValue, hex, show } from './values.mjs';

const isFloat = column => column.type === 'float' || column.type === 'double';

// The schema element without its annotations: hyparquet then returns physical values (numbers,
// BigInts, bytes), which are exact.
function physicalElement(element) {
  const { converted_type, logical_type, ...physical } = element;
  return physical;
}

// A physical value (hyparquet's, from a ColumnIndex bound) -> the canonical encoding.
function canonicalFromPhysical(column, value) {
  const decimal = decimalParams(column);
  if (decimal) {
    const unscaled = value instanceof Uint8Array ? bigEndianSigned(value) : BigInt(value);
    return decimalString(unscaled, decimal.scale);
  }
  switch (column.type) {
    case 'int64': case 'timestamp': case 'timestamptz': return BigInt(value).toString();
    case 'float': case 'double': return floatValue(value);
    case 'date': return dateString(value);
    case 'string': case 'json': return Buffer.from(value).toString('utf8');
    case 'binary': case 'uuid': return hex(value);
    default: return value;  // bool, int16, int32
  }
}

// A canonical value -> the physical JS value hashParquetValue takes with physicalElement().
function physicalFromCanonical(column, element, value) {
  const decimal = decimalParams(column);
  if (decimal) {
    const unscaled = decimalUnscaled(value, decimal.scale);
    if (element.type === 'INT32') return Number(unscaled);
    if (element.type === 'INT64') return unscaled;
    const bytes = new Uint8Array(element.type_length);
    let v = BigInt.asUintN(element.type_length * 8, unscaled);
    for (let i = bytes.length - 1; i >= 0; --i, v >>= 8n) bytes[i] = Number(v & 0xffn);
    return bytes;
  }
  switch (column.type) {
    case 'int64': case 'timestamp': case 'timestamptz': return BigInt(value);
    case 'float': case 'double': return Number(value);
    case 'date': return dateDays(value);
    case 'binary': case 'uuid': return new Uint8Array(Buffer.from(value, 'hex'));
    default: return value;  // int16, int32, string, json
  }
}

function readAt(file, offset, length, read) {
  const reader = { view: new DataView(file), offset: Number(offset) };
  const value = read(reader);
  const consumed = reader.offset - Number(offset);
  if (length !== undefined && consumed !== Number(length)) {
    throw new Error(`structure at ${offset} takes ${consumed} bytes, its length says ${length}`);
  }
  return value;
}

function dataPages(view, meta) {
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  const reader = { view, offset: start };
  const pages = [];
  let firstRow = 0;
  while (reader.offset < end) {
    const offset = reader.offset;
    const header = hyparquetColumn.parquetHeader(reader);
    reader.offset += header.compressed_page_size;
    if (header.type !== 'DATA_PAGE') continue;
    pages.push({ offset, size: reader.offset - offset, firstRow });
    firstRow += header.data_page_header.num_values;
  }
  return pages;
}

function offsetIndexMismatch(index, pages) {
  const got = index.page_locations.map(p => [Number(p.offset), p.compressed_page_size,
                                             Number(p.first_row_index)]);
  const want = pages.map(p => [p.offset, p.size, p.firstRow]);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    return `OffsetIndex ${JSON.stringify(got)}, data pages ${JSON.stringify(want)}`;
  }
  return null;
}

function boundaryOrderMismatch(column, index, bounds) {
  const present = bounds.filter((_, i) => !index.null_pages[i]);
  let ascending = true, descending = true;
  for (let i = 1; i < present.length; ++i) {
    const byMin = compareValues(column, present[i - 1].min, present[i].min);
    const byMax = compareValues(column, present[i - 1].max, present[i].max);
    ascending &&= byMin <= 0 && byMax <= 0;
    descending &&= byMin >= 0 && byMax >= 0;
  }
  const order = index.boundary_order;
  if ((order === 'ASCENDING' && !ascending) || (order === 'DESCENDING' && !descending)) {
    return `boundary_order ${order} does not hold`;
  }
  // The writer claims an order whenever one holds, ascending first.
  const want = ascending ? 'ASCENDING' : descending ? 'DESCENDING' : 'UNORDERED';
  return order === want ? null : `boundary_order ${order}, the pages are ${want}`;
}

function columnIndexMismatch(column, element, index, pageValues, limit) {
  if (index.null_pages.length !== pageValues.length) {
    return `ColumnIndex has ${index.null_pages.length} pages, the chunk ${pageValues.length}`;
  }
  const bounds = [];
  for (const [i, values] of pageValues.entries()) {
    const nulls = values.filter(v => v === null).length;
    const nullPage = nulls === values.length;
    if (index.null_pages[i] !== nullPage) return `page ${i}: null_pages ${index.null_pages[i]}`;
    if (Number(index.null_counts?.[i]) !== nulls) {
      return `page ${i}: null_count ${index.null_counts?.[i]}, expected ${nulls}`;
    }
    const [minRaw, maxRaw] = [index.min_values[i], index.max_values[i]];
    if (nullPage) {
      if (minRaw.length !== 0 || maxRaw.length !== 0) return `null page ${i} has bounds`;
      bounds.push(null);
      continue;
    }
    const got = {
      nullCount: nulls,
      min: canonicalFromPhysical(column, physicalBound(minRaw, element)),
      max: canonicalFromPhysical(column, physicalBound(maxRaw, element)),
    };
    const mismatch = statisticsMismatch(column, values, got, limit);
    if (mismatch) return `page ${i}: ${mismatch}`;
    bounds.push(got);
  }
  return boundaryOrderMismatch(column, index, bounds);
}

// A raw PLAIN bound of a column of physical type `element.type` -> hyparquet's physical value.
function physicalBound(raw, element) {
  if (element.type === 'BOOLEAN') return raw[0] === 1;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (element.type) {
    case 'INT32': return view.getInt32(0, true);
    case 'INT64': return view.getBigInt64(0, true);
    case 'FLOAT': return view.getFloat32(0, true);
    case 'DOUBLE': return view.getFloat64(0, true);
    default: return raw;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
  }
}

// Calls `visit(group, i, chunk, column, element, values)` for every chunk; returns the first
// problem it reports.
function eachChunk(buffer, expected, visit) {
  const file = toArrayBuffer(buffer);
  const metadata = hyparquet.parquetMetadata(file);
  const leaves = metadata.schema.slice(1);
  let firstRow = 0;
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const rows = Number(rowGroup.num_rows);
    for (const [i, chunk] of rowGroup.columns.entries()) {
      const column = expected.columns[i];
      const values = column.values.slice(firstRow, firstRow + rows);
      const problem = visit({ file, group, chunk, column, element: leaves[i], values, rows });
      if (problem) return `row group ${group} column ${column.name}: ${problem}`;
    }
    firstRow += rows;
  }
  return null;
}

export function checkPageIndex(buffer, expected) {
  const options = expected.writer_options;
  return eachChunk(buffer, expected, ({ file, chunk, column, element, values, rows }) => {
    const has = [chunk.offset_index_offset, chunk.column_index_offset].map(o => o !== undefined);
    if (!options.page_index) {
      return has.some(Boolean) ? 'page index written with page_index off' : null;
    }
    if (!has[0]) return 'no OffsetIndex';
    const offsetIndex = readAt(file, chunk.offset_index_offset, chunk.offset_index_length,
                               hyparquet.readOffsetIndex);
    const pages = dataPages(new DataView(file), chunk.meta_data);
    const offsetMismatch = offsetIndexMismatch(offsetIndex, pages);
    if (offsetMismatch) return offsetMismatch;
    const pageValues = pages.map((p, i) => values.slice(p.firstRow, pages[i + 1]?.firstRow ?? rows));
    if (!has[1]) {
      const nanOnly = isFloat(column) &&
          pageValues.some(v => v.some(x => x !== null) && v.every(x => x === null || x === 'NaN'));
      return nanOnly ? null : 'no ColumnIndex';
    }
    // Read as if BYTE_ARRAY with a parser that keeps bytes, the bounds stay raw PLAIN bytes.
    const index = readAt(file, chunk.column_index_offset, chunk.column_index_length,
                         reader => hyparquet.readColumnIndex(reader, { type: 'BYTE_ARRAY' },
                                                             { stringFromBytes: b => b }));
    return columnIndexMismatch(column, element, index, pageValues,
                               options.max_statistics_bytes);
  });
}

// Random probes a filter built for `fpp` may accept: the rate plus room for chance.
function probeMismatch(filter, fpp) {
  const probes = 4000;
  const element = { type: 'BYTE_ARRAY' };
  let accepted = 0;
  for (let i = 0; i < probes; ++i) {
    const hash = hyparquetBloom.hashParquetValue(`absent probe ${i} \u{1F50D}`, element);
    accepted += hyparquetBloom.sbbfContains(filter.blocks, hash) ? 1 : 0;
  }
  const limit = 2 * fpp + 0.01;
  return accepted / probes > limit
      ? `accepts ${accepted} of ${probes} absent probes, more than ${limit} for fpp ${fpp}`
      : null;
}

export function checkBloomFilters(buffer, expected) {
  const options = expected.writer_options;
  const wanted = new Set(options.bloom_filter_columns);
  return eachChunk(buffer, expected, ({ file, chunk, column, element, values }) => {
    const meta = chunk.meta_data;
    const has = meta.bloom_filter_offset !== undefined;
    if (has !== wanted.has(column.name)) return `bloom filter ${has ? '' : 'not '}written`;
    if (!has) return null;
    const filter = readAt(file, meta.bloom_filter_offset, meta.bloom_filter_length,
                          hyparquetBloom.readBloomFilter);
    if (!filter) return 'hyparquet cannot use the bloom filter (header)';
    const physical = physicalElement(element);
    for (const value of values) {
      // NaN is left out: its bit pattern is not what JS writes for NaN.
      if (value === null || (isFloat(column) && value === 'NaN')) continue;
      const hash =
          hyparquetBloom.hashParquetValue(physicalFromCanonical(column, physical, value), physical);
      if (hash === undefined) return `hyparquet cannot hash ${show(value)}`;
      if (!hyparquetBloom.sbbfContains(filter.blocks, hash)) {
        return `bloom filter rejects ${show(value)}, which the chunk holds`;
      }
    }
    return probeMismatch(filter, options.bloom_filter_fpp);
  });
}

// DuckDB's parquet_bloom_probe on the REQUIRED string and int64 columns: no row group holding a
// value is excluded, and most row groups are excluded for a value none holds.
export async function checkBloomWithDuckdb(db, file, expected) {
  const probed = expected.columns.filter(c => expected.writer_options.bloom_filter_columns
                                              .includes(c.name) &&
                                          ['string_req', 'int64_req'].includes(c.name));
  const groups = expected.row_groups;
  for (const column of probed) {
    let firstRow = 0;
    for (const [group, rows] of groups.entries()) {
      const value = column.values[firstRow];
      const literal = column.type === 'string' ? `'${value.replaceAll("'", "''")}'`
                                               : `CAST('${value}' AS BIGINT)`;
      const excluded = await db.rows(
          `SELECT row_group_id FROM parquet_bloom_probe('${file}', '${column.name}', ${literal}) ` +
          `WHERE bloom_filter_excludes AND row_group_id = ${group}`);
      if (excluded.length > 0) {
        return `${column.name}: DuckDB's bloom probe excludes row group ${group} for ` +
               `${show(value)}, which it holds`;
      }
      firstRow += rows;
    }
    const absent = column.type === 'string' ? `'no such value \u{1F50D}'` : '-1234567890123::BIGINT';
    const rejected = await db.rows(
        `SELECT row_group_id FROM parquet_bloom_probe('${file}', '${column.name}', ${absent}) ` +
        'WHERE bloom_filter_excludes');
    if (groups.length > 0 && rejected.length * 2 < groups.length) {
      return `${column.name}: DuckDB's bloom probe excludes only ${rejected.length} of ` +
             `${groups.length} row groups for an absent value`;
    }
  }
  return null;
}

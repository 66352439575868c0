// Reader limitations we accept, one entry per reader, type and scope (values, schema or
// statistics). Each entry says what the reader cannot show and how the check still covers it at
// the physical level; nothing is skipped. The run prints every entry, and a check consults this
// list only through `limitation()`.
export const KNOWN_LIMITATIONS = [
  {
    // DuckDB 1.5 parquet_metadata() shows a float statistic that is +-infinity as NULL, also for
    // files DuckDB wrote itself (verified with COPY ... TO of a DOUBLE column holding inf).
    reader: 'duckdb',
    type: 'float',
    scope: 'statistics',
    what: 'parquet_metadata() shows infinite FLOAT min/max statistics as NULL',
    covered: 'such a bound is taken from the footer as hyparquet parses it and compared exactly',
  },
  {
    reader: 'duckdb',
    type: 'double',
    scope: 'statistics',
    what: 'parquet_metadata() shows infinite DOUBLE min/max statistics as NULL',
    covered: 'such a bound is taken from the footer as hyparquet parses it and compared exactly',
  },
  {
    // hyparquet 1.31 convert.js: DECIMAL values become Number(unscaled) * 10 ** -scale, a
    // binary double, so p > 15 (and many p <= 15 values) cannot be compared exactly.
    reader: 'hyparquet',
    type: 'decimal',
    scope: 'values',
    what: 'DECIMAL values are returned as inexact JS numbers',
    covered: 'values are read with the DECIMAL annotation removed from the parsed footer and ' +
             'compared as exact unscaled integers; precision and scale are checked in the schema',
  },
  {
    // parquet-wasm 0.8 (arrow-rs) maps the JSON logical type to plain Utf8 and adds no
    // arrow.json extension type, so the annotation is invisible through Arrow.
    reader: 'parquet-wasm',
    type: 'json',
    scope: 'schema',
    what: 'the JSON logical type is read as plain Utf8',
    covered: 'the Arrow type must be Utf8 and the text is compared exactly; DuckDB and ' +
             'hyparquet check the JSON annotation itself',
  },
  {
    // parquet-wasm 0.8 (arrow-rs) maps the UUID logical type to FixedSizeBinary(16) without
    // the arrow.uuid extension type.
    reader: 'parquet-wasm',
    type: 'uuid',
    scope: 'schema',
    what: 'the UUID logical type is read as FixedSizeBinary(16)',
    covered: 'the Arrow type must be FixedSizeBinary(16) and the 16 bytes are compared exactly; ' +
             'DuckDB and hyparquet check the UUID annotation itself',
  },
];

// The accepted limitation of `reader` in `scope` for a column of our type string `type`, or
// undefined.
export function limitation(reader, type, scope) {
  const family = type.startsWith('decimal') ? 'decimal' : type;
  return KNOWN_LIMITATIONS.find(l => l.reader === reader && l.type === family && l.scope === scope);
}

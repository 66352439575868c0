// DuckDB (@duckdb/node-api): the schema as DuckDB types (DESCRIBE), the Parquet schema as DuckDB
// parses it (parquet_schema()), and every value, read in file order.
import { duckdb } from './deps.mjs';
import { compareColumn, dateString, decimalParams, decimalString, floatValue, hex, sameJson,
         show, stableJson } from './values.mjs';

export function sqlString(text) {
  return `'${text.replaceAll("'", "''")}'`;
}

// One in-process DuckDB database shared by every check of the run.
export class DuckDb {
  static async open() {
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // Renders TIMESTAMP WITH TIME ZONE statistics as UTC ("...+00").
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDb(instance, connection);
  }

  constructor(instance, connection) {
    this.instance = instance;
    this.connection = connection;
  }

  async rows(sql) {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjects();
  }

  async columns(sql) {
    const reader = await this.connection.runAndReadAll(sql);
    return { columns: reader.getColumns(), rows: reader.currentRowCount };
  }

  close() {
    this.connection.closeSync();
  }
}

// The DuckDB type DESCRIBE must show for a column of our type.
function duckdbType(column) {
  const decimal = decimalParams(column);
  if (decimal) return `DECIMAL(${decimal.precision},${decimal.scale})`;
  return {
    bool: 'BOOLEAN', int16: 'SMALLINT', int32: 'INTEGER', int64: 'BIGINT', float: 'FLOAT',
    double: 'DOUBLE', string: 'VARCHAR', json: 'JSON', binary: 'BLOB', date: 'DATE',
    timestamp: 'TIMESTAMP', timestamptz: 'TIMESTAMP WITH TIME ZONE', uuid: 'UUID',
  }[column.type];
}

// DuckDB 1.5 prints IntType's 8-bit bitWidth as a raw character ("bitWidth=\x10" for 16); a
// rendering quirk of its Thrift printer, not a property of the file. Digits are accepted too.
function duckdbByte(text) {
  return /^\d+$/.test(text) ? Number(text) : text.length === 1 ? text.charCodeAt(0) : NaN;
}

// DuckDB's rendering of a Thrift LogicalType ("IntType(bitWidth=16, isSigned=1)", ...) -> the
// neutral form of expected.json.
export function parseDuckdbLogicalType(text) {
  if (text === null || text === undefined) return null;
  let m;
  if ((m = /^IntType\(bitWidth=(.+), isSigned=(\w+)\)$/s.exec(text))) {
    const signed = m[2] === '1' || m[2] === 'true';
    return { type: 'INTEGER', bit_width: duckdbByte(m[1]), signed };
  }
  if ((m = /^DecimalType\(scale=(\d+), precision=(\d+)\)$/.exec(text))) {
    return { type: 'DECIMAL', precision: Number(m[2]), scale: Number(m[1]) };
  }
  if ((m = /^TimestampType\(isAdjustedToUTC=(\w+), unit=TimeUnit\((.*)\)\)$/.exec(text))) {
    const unit = ['MILLIS', 'MICROS', 'NANOS'].find(u => !m[2].includes(`${u}=<null>`));
    return { type: 'TIMESTAMP', unit, utc: m[1] === '1' || m[1] === 'true' };
  }
  const simple = { 'StringType()': 'STRING', 'JsonType()': 'JSON', 'DateType()': 'DATE',
                   'UUIDType()': 'UUID' }[text];
  return simple ? { type: simple } : { type: 'UNRECOGNISED', text };
}

function numberOrNull(value) {
  return value === null || value === undefined ? null : Number(value);
}

// Compares one parquet_schema() row with the column's expected Parquet types.
function schemaMismatch(column, row) {
  const decimal = decimalParams(column);
  const facts = [
    ['physical type', column.physical_type, row.type],
    ['type_length', column.type_length, numberOrNull(row.type_length)],
    ['repetition', column.nullable ? 'OPTIONAL' : 'REQUIRED', row.repetition_type],
    ['converted type', column.converted_type, row.converted_type],
    ['precision', decimal?.precision ?? null, numberOrNull(row.precision)],
    ['scale', decimal?.scale ?? null, numberOrNull(row.scale)],
    ['logical type', column.logical_type, parseDuckdbLogicalType(row.logical_type)],
  ];
  for (const [what, expected, got] of facts) {
    if (!sameJson(expected, got)) {
      return `column ${column.name}: ${what} expected ${stableJson(expected)}, got ` +
             `${stableJson(got)} (parquet_schema)`;
    }
  }
  return null;
}

// A DuckDB value -> the canonical encoding of expected.json.
function canonical(column, value) {
  if (value === null) return null;
  switch (column.type) {
    case 'int64': return value.toString();
    case 'float': case 'double': return floatValue(value);
    case 'binary': return hex(value.bytes);
    case 'date': return dateString(value.days);
    case 'timestamp': case 'timestamptz': return value.micros.toString();
    case 'uuid': return value.toString().replaceAll('-', '');
    default:
      if (column.type.startsWith('decimal')) {
        const { scale } = decimalParams(column);
        if (value.scale !== scale) return `scale ${value.scale} (expected ${scale})`;
        return decimalString(value.value, scale);
      }
      return value;  // bool, int16, int32, string, json
  }
}

async function checkSchema(db, file, expected) {
  const described = await db.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  const names = described.map(r => r.column_name);
  const expectedNames = expected.columns.map(c => c.name);
  if (!sameJson(names, expectedNames)) {
    return `columns expected ${show(expectedNames.join(','))}, got ${show(names.join(','))}`;
  }
  for (const [i, column] of expected.columns.entries()) {
    if (described[i].column_type !== duckdbType(column)) {
      return `column ${column.name}: DuckDB type expected ${duckdbType(column)}, got ` +
             `${described[i].column_type}`;
    }
  }
  const schema = await db.rows(
      `SELECT * FROM parquet_schema(${sqlString(file)}) WHERE num_children IS NULL`);
  for (const [i, column] of expected.columns.entries()) {
    const mismatch = schemaMismatch(column, schema[i]);
    if (mismatch) return mismatch;
  }
  return null;
}

async function checkValues(db, file, expected) {
  const { columns, rows } = await db.columns(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(file)}, ` +
      `file_row_number = true) ORDER BY file_row_number`);
  if (rows !== expected.num_rows) return `row count expected ${expected.num_rows}, got ${rows}`;
  for (const [i, column] of expected.columns.entries()) {
    const mismatch = compareColumn(column, (columns[i] ?? []).map(v => canonical(column, v)));
    if (mismatch) return mismatch;
  }
  return null;
}

// Returns null when DuckDB reads the file exactly as expected, else the first mismatch.
export async function checkWithDuckdb(db, file, expected) {
  return (await checkSchema(db, file, expected)) ?? (await checkValues(db, file, expected));
}

// Prints what DuckDB (an independent reader) reads from one Parquet file, every value in a
// JSON-safe form, so a test can compare it with exact expected values:
//
//   { "columns": [{ "name": ..., "type": ... }],      // DuckDB's type names, in file order
//     "rows": [[v0, v1, ...], ...],                    // in file order
//     "key_value_metadata": { "<key>": "<value>" } }   // the footer's key_value_metadata
//
// Usage: node read_rows.mjs FILE.parquet
//
// The value mapping is explicit; a type not listed here is an error (exit 1), never a guess:
//
//   any type, NULL                          -> null
//   BOOLEAN                                 -> true | false
//   TINYINT, SMALLINT, INTEGER, U* (<=32b)  -> number
//   BIGINT, UBIGINT, HUGEINT, UHUGEINT      -> string, decimal digits ("-12")
//   FLOAT, DOUBLE                           -> number; "NaN", "Infinity", "-Infinity" as strings
//   DECIMAL(p,s)                            -> string with exactly s fraction digits ("-1.50")
//   VARCHAR (also JSON)                     -> string
//   BLOB                                    -> string, lower-case hex of the bytes
//   UUID                                    -> string, canonical lower-case 8-4-4-4-12
//   DATE                                    -> string "YYYY-MM-DD"
//   TIMESTAMP, TIMESTAMP_S/_MS/_NS          -> string "YYYY-MM-DDTHH:MM:SS.ffffff" (always six
//                                              fraction digits; nanoseconds must be whole µs)
//   TIMESTAMP WITH TIME ZONE                -> string "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC)
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';

const file = process.argv[2];
if (!file || process.argv.length !== 3) {
  process.stderr.write('usage: node read_rows.mjs FILE.parquet\n');
  process.exit(2);
}

// Integer division rounding toward negative infinity, and the matching non-negative remainder.
function floorDivMod(a, b) {
  let q = a / b;
  let r = a % b;
  if (r < 0n) {
    q -= 1n;
    r += b;
  }
  return [q, r];
}

// "YYYY-MM-DDTHH:MM:SS.ffffff" of microseconds since the Unix epoch (UTC).
function isoFromMicros(micros) {
  const [millis, subMillis] = floorDivMod(micros, 1000n);
  const iso = new Date(Number(millis)).toISOString();  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  if (iso.length !== 24) throw new Error(`timestamp out of the 4-digit-year range: ${micros}`);
  return `${iso.slice(0, 23)}${String(subMillis).padStart(3, '0')}`;
}

function isoDate(days) {
  const iso = new Date(days * 86400000).toISOString();
  if (iso.length !== 24) throw new Error(`date out of the 4-digit-year range: ${days}`);
  return iso.slice(0, 10);
}

function decimalText(value, scale) {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${whole}` : whole;
}

function floatValue(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

function finite(value, what) {
  if (!value.isFinite) throw new Error(`infinite ${what} is not mapped`);
  return value;
}

// The JSON-safe form of one value of DuckDB type `type` (see the table above).
function jsonValue(value, type) {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
      return value;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return value.toString();
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return floatValue(value);
    case DuckDBTypeId.DECIMAL:
      return decimalText(BigInt(value.value), value.scale);
    case DuckDBTypeId.VARCHAR:
      return value;
    case DuckDBTypeId.BLOB:
      return hex(value.bytes);
    case DuckDBTypeId.UUID:
      return value.toString().toLowerCase();
    case DuckDBTypeId.DATE:
      return isoDate(finite(value, 'date').days);
    case DuckDBTypeId.TIMESTAMP:
      return isoFromMicros(finite(value, 'timestamp').micros);
    case DuckDBTypeId.TIMESTAMP_S:
      return isoFromMicros(finite(value, 'timestamp').seconds * 1000000n);
    case DuckDBTypeId.TIMESTAMP_MS:
      return isoFromMicros(finite(value, 'timestamp').millis * 1000n);
    case DuckDBTypeId.TIMESTAMP_NS: {
      const [micros, nanos] = floorDivMod(finite(value, 'timestamp').nanos, 1000n);
      if (nanos !== 0n) throw new Error('timestamp_ns with sub-microsecond digits is not mapped');
      return isoFromMicros(micros);
    }
    case DuckDBTypeId.TIMESTAMP_TZ:
      return `${isoFromMicros(finite(value, 'timestamptz').micros)}Z`;
    default:
      throw new Error(`DuckDB type ${type.toString()} has no JSON mapping in read_rows.mjs`);
  }
}

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const quoted = `'${file.replaceAll("'", "''")}'`;

const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`);
const names = reader.columnNames();
const types = reader.columnTypes();
const columns = names.map((name, i) => ({ name, type: types[i].toString() }));
const rows = reader.getRows().map((row) => row.map((v, i) => jsonValue(v, types[i])));

const kv = await conn.runAndReadAll(
  `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${quoted})`);
const keyValueMetadata = {};
for (const { k, v } of kv.getRowObjects()) keyValueMetadata[k] = v;

process.stdout.write(JSON.stringify({ columns, rows, key_value_metadata: keyValueMetadata }));

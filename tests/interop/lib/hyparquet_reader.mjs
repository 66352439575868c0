// hyparquet (+ hyparquet-compressors for snappy, gzip, zstd): the footer as parquetMetadata()
// parses it, and every value through parquetReadObjects() with parsers that keep values exact.
import { compressors, hyparquet } from './deps.mjs';
import { limitation } from './known_limitations.mjs';
import { bigEndianSigned, compareColumn, dateString, decimalParams, decimalString, floatValue,
         hex, sameJson, stableJson, utf8 } from './values.mjs';

// Parsers returning raw, exact values instead of JS Dates and parsed JSON.
const exactParsers = {
  timestampFromMilliseconds: millis => ({ unexpectedUnit: 'MILLIS', millis }),
  timestampFromMicroseconds: micros => BigInt(micros),
  timestampFromNanoseconds: nanos => ({ unexpectedUnit: 'NANOS', nanos }),
  dateFromDays: days => days,
  stringFromBytes: bytes => bytes && utf8(bytes),
  jsonFromBytes: bytes => bytes && utf8(bytes),
  geometryFromBytes: bytes => bytes,
  geographyFromBytes: bytes => bytes,
  uuidFromBytes: bytes => bytes && hex(bytes),
};

export function toArrayBuffer(buffer) {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
}

// hyparquet's LogicalType object -> the neutral form of expected.json.
function neutralLogicalType(lt) {
  if (!lt) return null;
  switch (lt.type) {
    case 'INTEGER': return { type: 'INTEGER', bit_width: lt.bitWidth, signed: lt.isSigned };
    case 'DECIMAL': return { type: 'DECIMAL', precision: lt.precision, scale: lt.scale };
    case 'TIMESTAMP': return { type: 'TIMESTAMP', unit: lt.unit, utc: lt.isAdjustedToUTC };
    default: return { type: lt.type };
  }
}

function schemaMismatch(column, element) {
  const decimal = decimalParams(column);
  const facts = [
    ['name', column.name, element.name],
    ['physical type', column.physical_type, element.type],
    ['type_length', column.type_length, element.type_length ?? null],
    ['repetition', column.nullable ? 'OPTIONAL' : 'REQUIRED', element.repetition_type],
    ['converted type', column.converted_type, element.converted_type ?? null],
    ['precision', decimal?.precision ?? null, element.precision ?? null],
    ['scale', decimal?.scale ?? null, decimal ? element.scale ?? 0 : element.scale ?? null],
    ['logical type', column.logical_type, neutralLogicalType(element.logical_type)],
  ];
  for (const [what, expected, got] of facts) {
    if (!sameJson(expected, got)) {
      return `column ${column.name}: ${what} expected ${stableJson(expected)}, got ` +
             `${stableJson(got)} (parquetMetadata)`;
    }
  }
  return null;
}

// See known_limitations.mjs: DECIMAL columns are read without their annotation, as the plain
// physical integers (INT32 number, INT64 BigInt, FIXED_LEN_BYTE_ARRAY bytes).
function withoutDecimalAnnotations(metadata) {
  const schema = metadata.schema.map(element => {
    if (element.converted_type !== 'DECIMAL') return element;
    const { converted_type, logical_type, ...physical } = element;
    return physical;
  });
  return { ...metadata, schema };
}

function canonical(column, value) {
  if (value === null || value === undefined) return null;
  const decimal = decimalParams(column);
  if (decimal) {
    const unscaled = value instanceof Uint8Array ? bigEndianSigned(value) : BigInt(value);
    return decimalString(unscaled, decimal.scale);
  }
  switch (column.type) {
    case 'int64': case 'timestamp': case 'timestamptz':
      return typeof value === 'bigint' ? value.toString() : value;
    case 'float': case 'double': return floatValue(value);
    case 'binary': return value instanceof Uint8Array ? hex(value) : value;
    case 'date': return typeof value === 'number' ? dateString(value) : value;
    default: return value;  // bool, int16, int32, string, json, uuid (hex from uuidFromBytes)
  }
}

export async function checkWithHyparquet(buffer, expected) {
  const file = toArrayBuffer(buffer);
  const metadata = hyparquet.parquetMetadata(file);
  if (Number(metadata.num_rows) !== expected.num_rows) {
    return `num_rows expected ${expected.num_rows}, got ${metadata.num_rows}`;
  }
  const leaves = metadata.schema.slice(1);
  if (leaves.length !== expected.columns.length) {
    return `expected ${expected.columns.length} columns, got ${leaves.length}`;
  }
  for (const [i, column] of expected.columns.entries()) {
    const mismatch = schemaMismatch(column, leaves[i]);
    if (mismatch) return mismatch;
  }
  const anyDecimal = expected.columns.some(c => limitation('hyparquet', c.type, 'values'));
  const rows = await hyparquet.parquetReadObjects({
    file,
    metadata: anyDecimal ? withoutDecimalAnnotations(metadata) : metadata,
    compressors,
    utf8: false,
    parsers: exactParsers,
  });
  if (rows.length !== expected.num_rows) {
    return `row count expected ${expected.num_rows}, got ${rows.length}`;
  }
  for (const column of expected.columns) {
    const mismatch = compareColumn(column, rows.map(r => canonical(column, r[column.name])));
    if (mismatch) return mismatch;
  }
  return null;
}

// parquet-wasm (arrow-rs compiled to WebAssembly): readParquet() into an Arrow table, handed to
// apache-arrow through the Arrow IPC stream format; the Arrow schema is how arrow-rs maps our
// logical types. Values are taken from the raw Arrow buffers (exact: no Date or float detours).
// Its ParquetFile metadata API cross-checks created_by, key-value metadata and row groups.
import { arrow, parquetWasm } from './deps.mjs';
import { limitation } from './known_limitations.mjs';
import { compareColumn, dateString, decimalParams, decimalString, floatValue, hex,
         littleEndianWordsSigned, sameJson, stableJson, utf8 } from './values.mjs';

// The Arrow type arrow-rs must produce for a column, as described by arrowTypeName().
function expectedArrowType(column) {
  const decimal = decimalParams(column);
  if (decimal) return `Decimal128(${decimal.precision},${decimal.scale})`;
  if (limitation('parquet-wasm', column.type, 'schema')) {
    return column.type === 'json' ? 'Utf8' : 'FixedSizeBinary(16)';
  }
  return {
    bool: 'Bool', int16: 'Int16', int32: 'Int32', int64: 'Int64', float: 'Float32',
    double: 'Float64', string: 'Utf8', binary: 'Binary', date: 'Date32',
    timestamp: 'Timestamp(MICROSECOND)', timestamptz: 'Timestamp(MICROSECOND,UTC)',
  }[column.type];
}

function arrowTypeName(type) {
  const T = arrow.Type;
  switch (type.typeId) {
    case T.Bool: return 'Bool';
    case T.Int: return `${type.isSigned ? 'Int' : 'Uint'}${type.bitWidth}`;
    case T.Float: return ['Float16', 'Float32', 'Float64'][type.precision];
    case T.Decimal: return `Decimal${type.bitWidth}(${type.precision},${type.scale})`;
    case T.Utf8: return 'Utf8';
    case T.Binary: return 'Binary';
    case T.Date: return type.unit === arrow.DateUnit.DAY ? 'Date32' : 'Date64';
    case T.Timestamp: {
      const unit = arrow.TimeUnit[type.unit];
      return type.timezone ? `Timestamp(${unit},${type.timezone})` : `Timestamp(${unit})`;
    }
    case T.FixedSizeBinary: return `FixedSizeBinary(${type.byteWidth})`;
    default: return `${type}`;
  }
}

function isValid(data, i) {
  if (!data.nullBitmap || data.nullCount === 0) return true;
  return (data.nullBitmap[i >> 3] >> (i & 7)) & 1;
}

// One canonical value from the raw buffers of an Arrow Data chunk (offset 0, checked by caller).
function rawValue(column, data, i) {
  const values = data.values;
  const decimal = decimalParams(column);
  if (decimal) {
    return decimalString(littleEndianWordsSigned(values.subarray(4 * i, 4 * i + 4)), decimal.scale);
  }
  switch (column.type) {
    case 'bool': return ((values[i >> 3] >> (i & 7)) & 1) === 1;
    case 'int64': case 'timestamp': case 'timestamptz': return values[i].toString();
    case 'float': case 'double': return floatValue(values[i]);
    case 'string': case 'json': case 'binary': {
      const bytes = values.subarray(data.valueOffsets[i], data.valueOffsets[i + 1]);
      return column.type === 'binary' ? hex(bytes) : utf8(bytes);
    }
    case 'date': return dateString(values[i]);
    case 'uuid': return hex(values.subarray(16 * i, 16 * i + 16));
    default: return values[i];  // int16, int32
  }
}

function columnValues(column, vector) {
  const out = [];
  for (const data of vector.data) {
    if (data.offset !== 0) throw new Error(`column ${column.name}: sliced Arrow data`);
    for (let i = 0; i < data.length; ++i) {
      out.push(isValid(data, i) ? rawValue(column, data, i) : null);
    }
  }
  return out;
}

function checkTable(table, expected) {
  if (table.numRows !== expected.num_rows) {
    return `row count expected ${expected.num_rows}, got ${table.numRows}`;
  }
  const fields = table.schema.fields;
  if (fields.map(f => f.name).join() !== expected.columns.map(c => c.name).join()) {
    return `columns expected ${expected.columns.map(c => c.name)}, got ${fields.map(f => f.name)}`;
  }
  for (const [i, column] of expected.columns.entries()) {
    const got = arrowTypeName(fields[i].type);
    if (got !== expectedArrowType(column)) {
      return `column ${column.name}: Arrow type expected ${expectedArrowType(column)}, got ${got}`;
    }
    if (fields[i].nullable !== column.nullable) {
      return `column ${column.name}: Arrow nullable expected ${column.nullable}`;
    }
    const mismatch = compareColumn(column, columnValues(column, table.getChildAt(i)));
    if (mismatch) return mismatch;
  }
  return null;
}

const codecNames = { 0: 'uncompressed', 1: 'snappy', 2: 'gzip', 5: 'zstd' };

async function checkMetadata(buffer, expected) {
  const file = await parquetWasm.ParquetFile.fromFile(new Blob([buffer]));
  const metadata = file.metadata();
  const fileMetadata = metadata.fileMetadata();
  const kv = [...fileMetadata.keyValueMetadata()].map(([key, value]) => ({ key, value }));
  const groups = metadata.rowGroups();
  const codecs = new Set(groups.flatMap(g => g.columns().map(c => codecNames[c.compression()])));
  const facts = [
    ['created_by', expected.created_by, fileMetadata.createdBy()],
    ['num_rows', expected.num_rows, fileMetadata.numRows()],
    ['key_value_metadata', expected.key_value_metadata, kv],
    ['row groups', expected.row_groups, groups.map(g => g.numRows())],
    ['codecs', groups.length ? [expected.writer_options.codec] : [], [...codecs]],
  ];
  for (const [what, want, got] of facts) {
    if (!sameJson(want, got)) {
      return `${what} expected ${stableJson(want)}, got ${stableJson(got)} (ParquetFile)`;
    }
  }
  return null;
}

export async function checkWithParquetWasm(buffer, expected) {
  const wasmTable = parquetWasm.readParquet(new Uint8Array(buffer));
  const table = arrow.tableFromIPC(wasmTable.intoIPCStream());
  return checkTable(table, expected) ?? (await checkMetadata(buffer, expected));
}

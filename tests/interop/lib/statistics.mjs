// Column-chunk statistics: what min/max/null_count must be for a run of canonical values (the
// ordering rules of parquet.thrift ColumnOrder and LogicalTypes.md), DuckDB's rendering of a
// statistics value parsed back into the canonical encoding, and the comparison of the two.
import { decimalParams, decimalString, decimalUnscaled, floatValue, sameValue, show,
         timestampMicros } from './values.mjs';

const isFloat = column => column.type === 'float' || column.type === 'double';
const isByteArray = column => ['string', 'json', 'binary'].includes(column.type);

// Bytes of a canonical value whose order is unsigned byte-wise.
function bytesOf(column, value) {
  return ['binary', 'uuid'].includes(column.type) ? Buffer.from(value, 'hex')
                                                  : Buffer.from(value, 'utf8');
}

function compareBigInts(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Orders two canonical non-NULL values as the column's Parquet sort order does.
export function compareValues(column, a, b) {
  const decimal = decimalParams(column);
  if (decimal) {
    return compareBigInts(decimalUnscaled(a, decimal.scale), decimalUnscaled(b, decimal.scale));
  }
  switch (column.type) {
    case 'bool': return Number(a) - Number(b);
    case 'int16': case 'int32': return a - b;
    case 'int64': case 'timestamp': case 'timestamptz': return compareBigInts(BigInt(a), BigInt(b));
    case 'float': case 'double': return Number(a) - Number(b);
    case 'date': return a < b ? -1 : a > b ? 1 : 0;  // fixed-width YYYY-MM-DD
    default: return Buffer.compare(bytesOf(column, a), bytesOf(column, b));
  }
}

// {nullCount, min, max} the chunk holding `values` must report; min/max are undefined when the
// chunk has no orderable value (all NULL, or only NaN: NaN is never written to statistics).
// A zero float minimum is written as -0.0 and a zero maximum as +0.0.
export function expectedStatistics(column, values) {
  const present = values.filter(v => v !== null && !(isFloat(column) && v === 'NaN'));
  const stats = { nullCount: values.length - values.filter(v => v !== null).length };
  if (present.length === 0) return stats;
  let [min, max] = [present[0], present[0]];
  for (const v of present) {
    if (compareValues(column, v, min) < 0) min = v;
    if (compareValues(column, v, max) > 0) max = v;
  }
  if (isFloat(column)) {
    min = Number(min) === 0 ? -0 : min;
    max = Number(max) === 0 ? 0 : max;
  }
  return { ...stats, min, max };
}

// DuckDB renders BLOBs with every byte outside printable ASCII (and the backslash) as \xHH.
function blobHex(text) {
  const bytes = [];
  for (let i = 0; i < text.length; ++i) {
    if (text[i] === '\\' && text[i + 1] === 'x') {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('hex');
}

// DuckDB's stats_min_value / stats_max_value text -> the canonical encoding.
export function parseDuckdbStatistic(column, text) {
  if (text === null || text === undefined) return undefined;
  const decimal = decimalParams(column);
  if (decimal) return decimalString(decimalUnscaled(text, decimal.scale), decimal.scale);
  switch (column.type) {
    case 'bool': return text === 'true';
    case 'int16': case 'int32': return Number(text);
    case 'int64': return BigInt(text).toString();
    case 'float': case 'double': {
      const special = { nan: NaN, inf: Infinity, '-inf': -Infinity }[text.toLowerCase()];
      const number = special ?? Number(text);
      return floatValue(column.type === 'float' ? Math.fround(number) : number);
    }
    case 'timestamp': case 'timestamptz': return timestampMicros(text).toString();
    case 'binary': return blobHex(text);
    case 'uuid': return text.replaceAll('-', '');
    default: return text;  // string, json, date
  }
}

// Whether `got` may stand for the exact bound `exact` of a byte-array value longer than
// max_statistics_bytes: a truncated lower bound (min) or upper bound (max), flagged inexact.
function validTruncation(column, bound, exact, got, isExact, limit) {
  if (!isByteArray(column) || bytesOf(column, exact).length <= limit || isExact === true) {
    return false;
  }
  if (got === undefined) {
    // No upper bound fits in `limit` bytes when the first `limit` bytes are all 0xff.
    return bound === 'max' && bytesOf(column, exact).subarray(0, limit).every(b => b === 0xff);
  }
  const order = compareValues(column, got, exact);
  return bytesOf(column, got).length <= limit && (bound === 'min' ? order <= 0 : order >= 0);
}

// Compares one chunk's statistics; `got` = {nullCount, min, max, minExact, maxExact}. Returns the
// first mismatch or null.
export function statisticsMismatch(column, values, got, maxStatisticsBytes) {
  const want = expectedStatistics(column, values);
  if (got.nullCount !== want.nullCount) {
    return `null_count expected ${want.nullCount}, got ${got.nullCount}`;
  }
  for (const bound of ['min', 'max']) {
    const [exact, value] = [want[bound], got[bound]];
    if (exact === undefined || value === undefined) {
      if (exact === value) continue;
    } else if (sameValue(floatValue(exact), value)) {
      continue;
    }
    const isExact = bound === 'min' ? got.minExact : got.maxExact;
    const limit = maxStatisticsBytes;
    if (exact !== undefined && validTruncation(column, bound, exact, value, isExact, limit)) {
      continue;
    }
    return `${bound} expected ${show(exact)}, got ${show(value)}`;
  }
  return null;
}

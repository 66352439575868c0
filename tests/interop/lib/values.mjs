// Canonical values: the exact JSON encoding of NAME.expected.json (see ../README.md), the
// conversions from what each reader returns into it, and the comparison used by every check.
//
//   bool            true / false
//   int16, int32    JSON number
//   int64           decimal string, e.g. "-9223372036854775808"
//   float, double   JSON number (shortest round-trip form, -0 kept); "NaN", "Infinity", "-Infinity"
//   decimal(p,s)    exact decimal string with s fraction digits: "-123.45", "0.05", "7"
//   string, json    JSON string (the UTF-8 text)
//   binary, uuid    lowercase hex of the bytes ("" for an empty binary)
//   date            "YYYY-MM-DD" (proleptic Gregorian)
//   timestamp(tz)   microseconds since 1970-01-01T00:00:00 as a decimal string
//   NULL            null

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

// Decodes UTF-8, throwing on invalid sequences (a reader must not have altered the bytes).
export function utf8(bytes) {
  return strictUtf8.decode(bytes);
}

export function floatValue(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

// Unscaled integer (BigInt) -> exact decimal string with `scale` fraction digits.
export function decimalString(unscaled, scale) {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

// Exact decimal string -> unscaled BigInt at `scale` (inverse of decimalString).
export function decimalUnscaled(text, scale) {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new Error(`not a decimal: ${text}`);
  const fraction = (match[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} fraction digits`);
  const unscaled = BigInt(match[2] + fraction);
  return match[1] ? -unscaled : unscaled;
}

// Big-endian two's complement bytes -> BigInt.
export function bigEndianSigned(bytes) {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const bits = BigInt(bytes.length * 8);
  if (bytes.length > 0 && bytes[0] & 0x80) value -= 1n << bits;
  return value;
}

// Little-endian 32-bit words of a two's complement integer -> BigInt.
export function littleEndianWordsSigned(words) {
  let value = 0n;
  for (let i = words.length - 1; i >= 0; --i) value = (value << 32n) | BigInt(words[i] >>> 0);
  const bits = BigInt(words.length * 32);
  if (words.length > 0 && words[words.length - 1] & 0x80000000) value -= 1n << bits;
  return value;
}

// Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian, years 0000..9999).
export function dateString(days) {
  const date = new Date(Number(days) * 86400000);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

// "YYYY-MM-DD" -> days since 1970-01-01.
export function dateDays(text) {
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return Math.round(date.getTime() / 86400000);
}

// "YYYY-MM-DD HH:MM:SS[.ffffff][+00[:00]]" (DuckDB's rendering) -> microseconds (BigInt).
export function timestampMicros(text) {
  const match =
      /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:\+00(?::?00)?|Z)?$/
          .exec(text);
  if (!match) throw new Error(`not a timestamp: ${text}`);
  const seconds = BigInt(dateDays(match[1])) * 86400n +
      BigInt(Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]));
  return seconds * 1000000n + BigInt((match[5] ?? '').padEnd(6, '0'));
}

// Is `got` (a reader's value, already canonical) exactly the expected canonical value?
export function sameValue(expected, got) {
  if (typeof expected === 'number' && typeof got === 'number') return Object.is(expected, got);
  return expected === got;
}

// Key order-insensitive JSON text of a plain value (objects, arrays, strings, numbers).
export function stableJson(value) {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map(k => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

// Deep equality of plain values, ignoring the order of object keys.
export function sameJson(a, b) {
  return stableJson(a) === stableJson(b);
}

// Short printable form of a canonical value for mismatch messages.
export function show(value) {
  if (value === undefined) return 'undefined';
  const text = typeof value === 'number' && Object.is(value, -0) ? '-0' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 60)}...(${text.length} chars)` : text;
}

// Compares one column of canonical values; returns the first mismatch message or null.
export function compareColumn(column, got) {
  const expected = column.values;
  if (got.length !== expected.length) {
    return `column ${column.name}: expected ${expected.length} values, got ${got.length}`;
  }
  for (let row = 0; row < expected.length; ++row) {
    if (!sameValue(expected[row], got[row])) {
      return `column ${column.name} row ${row}: expected ${show(expected[row])}, ` +
             `got ${show(got[row])}`;
    }
  }
  return null;
}

// Precision and scale of a decimal column description ({"logical_type": {"type": "DECIMAL", ...}}).
export function decimalParams(column) {
  const lt = column.logical_type;
  return lt && lt.type === 'DECIMAL' ? { precision: lt.precision, scale: lt.scale } : null;
}

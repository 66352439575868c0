// Page layout of every column chunk, walked page header by page header with hyparquet's Thrift
// page-header parser: the pages exactly fill total_compressed_size, total_uncompressed_size
// counts headers plus uncompressed pages, a dictionary page (if any) comes first and is where
// dictionary_page_offset points, data pages are DATA_PAGE (v1) whose num_values add up to the
// chunk's, dictionary-encoded data pages (only with a dictionary page) precede PLAIN ones, the
// chunk's encodings list covers every page's, and there are at least `min_data_pages` data
// pages in every chunk holding a value.
import { hyparquet, hyparquetColumn } from './deps.mjs';
import { toArrayBuffer } from './hyparquet_reader.mjs';

function walkPages(view, start, end) {
  const reader = { view, offset: start };
  const pages = [];
  while (reader.offset < end) {
    const offset = reader.offset;
    const header = hyparquetColumn.parquetHeader(reader);
    const headerBytes = reader.offset - offset;
    reader.offset += header.compressed_page_size;
    pages.push({ offset, headerBytes, header });
  }
  return { pages, endOffset: reader.offset };
}

// Encodings a page uses; a REQUIRED column's pages hold no definition levels.
function pageEncodings(page, nullable) {
  const h = page.header;
  if (h.dictionary_page_header) return [h.dictionary_page_header.encoding];
  if (!h.data_page_header) return [];
  const levels = nullable ? [h.data_page_header.definition_level_encoding] : [];
  return [h.data_page_header.encoding, ...levels];
}

function sizeMismatch(meta, pages, endOffset) {
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (endOffset !== end) return `pages end at ${endOffset}, total_compressed_size says ${end}`;
  const uncompressed =
      pages.reduce((n, p) => n + p.headerBytes + p.header.uncompressed_page_size, 0);
  if (uncompressed !== Number(meta.total_uncompressed_size)) {
    return `total_uncompressed_size ${meta.total_uncompressed_size}, pages add up to ` +
           `${uncompressed}`;
  }
  return null;
}

function pageOrderMismatch(meta, pages) {
  const types = pages.map(p => p.header.type);
  const dictionaryPages = types.filter(t => t === 'DICTIONARY_PAGE').length;
  const dataPages = pages.filter(p => p.header.type === 'DATA_PAGE');
  if (dictionaryPages + dataPages.length !== pages.length) return `page types ${types}`;
  if (dictionaryPages > 1 || (dictionaryPages === 1 && types[0] !== 'DICTIONARY_PAGE')) {
    return `dictionary page must be single and first: ${types}`;
  }
  if ((meta.dictionary_page_offset !== undefined) !== (dictionaryPages === 1)) {
    return `dictionary_page_offset ${meta.dictionary_page_offset}, page types ${types}`;
  }
  if (dataPages.length === 0 || Number(meta.data_page_offset) !== dataPages[0].offset) {
    return `data_page_offset ${meta.data_page_offset}, first data page at ${dataPages[0]?.offset}`;
  }
  const encodings = dataPages.map(p => p.header.data_page_header.encoding);
  const firstPlain = encodings.findIndex(e => e !== 'RLE_DICTIONARY');
  if (firstPlain >= 0 && encodings.slice(firstPlain).includes('RLE_DICTIONARY')) {
    return `dictionary-encoded data page after a PLAIN one: ${encodings}`;
  }
  if (encodings.includes('RLE_DICTIONARY') !== (dictionaryPages === 1)) {
    return `data pages ${encodings} with ${dictionaryPages} dictionary pages`;
  }
  return null;
}

function contentMismatch(meta, pages, column, hasValues, minDataPages) {
  const dataPages = pages.filter(p => p.header.type === 'DATA_PAGE');
  const values = dataPages.reduce((n, p) => n + p.header.data_page_header.num_values, 0);
  if (values !== Number(meta.num_values)) {
    return `data pages hold ${values} values, num_values says ${meta.num_values}`;
  }
  const missing = pages.flatMap(p => pageEncodings(p, column.nullable))
                      .filter(e => !meta.encodings.includes(e));
  if (missing.length > 0) return `pages use ${missing} not listed in encodings ${meta.encodings}`;
  if (hasValues && dataPages.length < minDataPages) {
    return `${dataPages.length} data pages, expected at least ${minDataPages}`;
  }
  return null;
}

export function checkPageLayout(buffer, expected) {
  const file = toArrayBuffer(buffer);
  const view = new DataView(file);
  const metadata = hyparquet.parquetMetadata(file);
  let firstRow = 0;
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const rows = Number(rowGroup.num_rows);
    for (const [i, chunk] of rowGroup.columns.entries()) {
      const meta = chunk.meta_data;
      const column = expected.columns[i];
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      const { pages, endOffset } = walkPages(view, start, end);
      const hasValues = column.values.slice(firstRow, firstRow + rows).some(v => v !== null);
      const mismatch = sizeMismatch(meta, pages, endOffset) ?? pageOrderMismatch(meta, pages) ??
                       contentMismatch(meta, pages, column, hasValues, expected.min_data_pages);
      if (mismatch) return `row group ${group} column ${column.name}: ${mismatch}`;
    }
    firstRow += rows;
  }
  return null;
}

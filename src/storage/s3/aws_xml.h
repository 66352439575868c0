// A small, tolerant scanner for the XML that S3 and the AWS Query API answer with, and the
// escaping of values we put into request bodies. Not an XML parser: it finds elements by name
// (attributes and namespaces ignored, "<Tag/>" read as empty) and decodes the five predefined
// entities and numeric character references. Enough for flat AWS documents; nothing here
// allocates more than the text it returns. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace de::s3 {

// The raw (still escaped) content of every element named `tag` directly or deeply inside
// `xml`, in document order. Nested elements of the same name are not supported (AWS has none).
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

// The decoded text of the first element named `tag`, or "" when there is none.
std::string XmlText(std::string_view xml, std::string_view tag);

// Decodes &amp; &lt; &gt; &quot; &apos; and &#NN; / &#xNN; (as UTF-8). Unknown or malformed
// entities are kept as they are.
std::string XmlUnescape(std::string_view text);

// Escapes & < > " ' and control characters (as &#xNN;) for element text.
std::string XmlEscape(std::string_view text);

// Base64 (RFC 4648, with padding) of the MD5 of `data`: the Content-MD5 header value.
std::string ContentMd5(std::string_view data);

}  // namespace de::s3

#include "parquet/dictionary.h"

namespace de::parquet {
namespace {

uint64_t Fold(uint64_t a, uint64_t b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint64_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

constexpr uint64_t kSeed0 = 0xA0761D6478BD642Full;
constexpr uint64_t kSeed1 = 0xE7037ED1A0B428DBull;
constexpr uint64_t kSeed2 = 0x8EBC6AF09C88C6E3ull;

}  // namespace

uint64_t HashBytes(const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = HashWord(size);
  size_t n = size;
  while (n > 16) {
    h = Fold(Load64(p) ^ kSeed1 ^ h, Load64(p + 8) ^ kSeed0);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (uint64_t{p[0]} << 16) | (uint64_t{p[n / 2]} << 8) | p[n - 1];
  }
  return Fold(a ^ kSeed1 ^ h, b ^ kSeed2);
}

uint32_t ByteArrayDictionary::Insert(std::string_view value, Slot slot) {
  const auto index = static_cast<uint32_t>(offsets_.size());
  const auto length = static_cast<uint32_t>(value.size());
  uint8_t* p = arena_.Extend(4 + value.size());
  std::memcpy(p, &length, 4);
  if (length != 0) std::memcpy(p + 4, value.data(), length);
  offsets_.push_back(static_cast<uint32_t>(arena_.size() - value.size()));
  hashes_.push_back(slot.hash);
  table_[slot.position] = Entry{static_cast<uint32_t>(slot.hash >> 32), index + 1};
  if (offsets_.size() * 2 > table_.size()) Rehash(table_.size() * 2);
  return index;
}

void ByteArrayDictionary::Clear() {
  offsets_.clear();
  hashes_.clear();
  arena_.Clear();
  for (Entry& e : table_) e.index_plus_one = 0;
}

void ByteArrayDictionary::Rehash(size_t capacity) {
  table_.assign(capacity, Entry{0, 0});
  mask_ = capacity - 1;
  for (size_t index = 0; index < offsets_.size(); ++index) {
    size_t i = static_cast<size_t>(hashes_[index]) & mask_;
    while (table_[i].index_plus_one != 0) i = (i + 1) & mask_;
    table_[i] =
        Entry{static_cast<uint32_t>(hashes_[index] >> 32), static_cast<uint32_t>(index + 1)};
  }
}

}  // namespace de::parquet

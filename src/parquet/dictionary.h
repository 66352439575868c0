// Dictionaries for RLE_DICTIONARY encoding: value -> index maps in insertion order, as open-
// addressing hash tables with linear probing (load factor <= 1/2, power-of-two capacity).
// Lookups never allocate; inserts allocate only when the table or arena grows. Indices are
// dense, in first-seen order, so the dictionary page (entries in index order) is deterministic.
//
// Two-step use, so callers can refuse an insert (dictionary_page_limit):
//   Slot slot; if (int64_t i = dict.Find(v, &slot); i >= 0) use i; else i = dict.Insert(v, slot);
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "parquet/byte_buffer.h"

namespace de::parquet {

// Hashes of keys and byte strings: multiply-and-fold mixing, good enough to spread table slots.
uint64_t HashBytes(const void* data, size_t size);

inline uint64_t HashWord(uint64_t x) {
  const unsigned __int128 product =
      static_cast<unsigned __int128>(x ^ 0x9E3779B97F4A7C15ull) * 0xD6E8FEB86659FD93ull;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

// Dictionary of fixed-width values, keyed by their bits (so +0.0 and -0.0, and distinct NaN
// payloads, are distinct entries). Key is an unsigned integer type of 2, 4, 8 or 16 bytes.
template <typename Key>
class FixedDictionary {
 public:
  using Slot = size_t;

  FixedDictionary() { Rehash(kInitialCapacity); }

  // Index of `key`, or -1 with `*slot` set to where Insert must put it.
  int64_t Find(Key key, Slot* slot) const {
    size_t i = static_cast<size_t>(Hash(key)) & mask_;
    for (;;) {
      const Entry& e = table_[i];
      if (e.index_plus_one == 0) {
        *slot = i;
        return -1;
      }
      if (e.key == key) return static_cast<int64_t>(e.index_plus_one) - 1;
      i = (i + 1) & mask_;
    }
  }
  // Adds `key` (not present) at the slot Find returned; returns its index.
  uint32_t Insert(Key key, Slot slot) {
    const auto index = static_cast<uint32_t>(keys_.size());
    table_[slot] = Entry{key, index + 1};
    keys_.push_back(key);
    if (keys_.size() * 2 > table_.size()) Rehash(table_.size() * 2);
    return index;
  }

  size_t size() const { return keys_.size(); }
  // Entries in index order.
  const Key* keys() const { return keys_.data(); }
  // Empties the dictionary, keeping its memory.
  void Clear() {
    keys_.clear();
    for (Entry& e : table_) e.index_plus_one = 0;
  }

 private:
  static constexpr size_t kInitialCapacity = 1024;
  struct Entry {
    Key key;
    uint32_t index_plus_one;  // 0: empty slot
  };

  static uint64_t Hash(Key key) {
    if constexpr (sizeof(Key) == 16) {
      return HashWord(static_cast<uint64_t>(key) ^ HashWord(static_cast<uint64_t>(key >> 64)));
    } else {
      return HashWord(static_cast<uint64_t>(key));
    }
  }

  void Rehash(size_t capacity) {
    table_.assign(capacity, Entry{Key{}, 0});
    mask_ = capacity - 1;
    for (size_t index = 0; index < keys_.size(); ++index) {
      size_t i = static_cast<size_t>(Hash(keys_[index])) & mask_;
      while (table_[i].index_plus_one != 0) i = (i + 1) & mask_;
      table_[i] = Entry{keys_[index], static_cast<uint32_t>(index + 1)};
    }
  }

  std::vector<Entry> table_;
  size_t mask_ = 0;
  std::vector<Key> keys_;
};

// Dictionary of byte strings. Entries live in one arena, already in PLAIN form (4-byte
// little-endian length, then the bytes), so the arena is the dictionary page body.
class ByteArrayDictionary {
 public:
  struct Slot {
    size_t position;
    uint64_t hash;
  };

  ByteArrayDictionary() { Rehash(kInitialCapacity); }

  int64_t Find(std::string_view value, Slot* slot) const {
    const uint64_t hash = HashBytes(value.data(), value.size());
    const auto tag = static_cast<uint32_t>(hash >> 32);
    size_t i = static_cast<size_t>(hash) & mask_;
    for (;;) {
      const Entry& e = table_[i];
      if (e.index_plus_one == 0) {
        *slot = Slot{i, hash};
        return -1;
      }
      if (e.hash == tag && Value(e.index_plus_one - 1) == value) {
        return static_cast<int64_t>(e.index_plus_one) - 1;
      }
      i = (i + 1) & mask_;
    }
  }
  uint32_t Insert(std::string_view value, Slot slot);

  size_t size() const { return offsets_.size(); }
  // The entry with index `index`.
  std::string_view Value(size_t index) const {
    const uint32_t offset = offsets_[index];
    uint32_t length;
    std::memcpy(&length, arena_.data() + offset - 4, 4);
    return {reinterpret_cast<const char*>(arena_.data()) + offset, length};
  }
  // The PLAIN encoding of all entries in index order.
  std::string_view plain() const { return arena_.view(); }
  void Clear();

 private:
  static constexpr size_t kInitialCapacity = 1024;
  struct Entry {
    uint32_t hash;            // high 32 bits of the value's hash
    uint32_t index_plus_one;  // 0: empty slot
  };

  void Rehash(size_t capacity);

  std::vector<Entry> table_;
  size_t mask_ = 0;
  std::vector<uint32_t> offsets_;  // arena offset of each entry's bytes (after its length)
  std::vector<uint64_t> hashes_;   // each entry's hash, for rehashing
  ByteBuffer arena_;
};

}  // namespace de::parquet

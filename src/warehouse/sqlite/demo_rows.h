// Row generators of the demo warehouse (demo_warehouse.h): each fills one table through prepared
// inserts, from its own deterministic random stream.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace de::warehouse_sqlite {

// splitmix64: a fixed, fully specified generator, so the demo data is the same on every
// platform and standard library (std:: distributions are implementation-defined).
class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); precondition n > 0.
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
  // Uniform in [lo, hi).
  double Between(double lo, double hi) {
    return lo + static_cast<double>(Next() >> 11) * 0x1.0p-53 * (hi - lo);
  }
  // True with probability `p`.
  bool Chance(double p) { return Between(0, 1) < p; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(static_cast<int64_t>(N))];
  }

 private:
  uint64_t state_;
};

// Each inserts its table's rows for the day starting at `day_start` (epoch seconds); the table
// exists and a transaction is open.
Status InsertDemoWays(sqlite3* db, int64_t day_start);
Status InsertDemoCctv(sqlite3* db, int64_t day_start);
Status InsertDemoWayMetrics(sqlite3* db, int64_t day_start);
Status InsertDemoIncidents(sqlite3* db, int64_t day_start);

}  // namespace de::warehouse_sqlite

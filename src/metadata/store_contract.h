// Input checks, lease arithmetic and error messages of the MetadataStore contract
// (metadata_store.h) that every backend shares, so SQLite and PostgreSQL refuse the same input
// with the same words.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"

namespace de::metadata {

// "2024-03-01T12:00:00.123456Z": epoch microseconds as ISO-8601 UTC.
std::string IsoUtc(int64_t micros);

// kInvalidArgument for an empty owner or a lease_micros <= 0.
Status CheckLease(const std::string& owner, int64_t lease_micros);

// now + lease_micros, saturating at INT64_MAX.
int64_t LeaseEnd(int64_t now, int64_t lease_micros);

// kInvalidArgument unless `value` is IsIsoDate(): "<field> '<value>' is not a YYYY-MM-DD
// calendar date".
Status CheckDate(std::string_view field, const std::string& value);
// CheckDate of the run_date, then kInvalidArgument for an empty table name.
Status CheckJobKey(const std::string& run_date, const std::string& table);

// kAlreadyExists "request '<id>' already exists".
Status DuplicateRequestId(const std::string& id);
// kAlreadyExists "an IN_PROGRESS request for range <start>..<end> already exists".
Status OpenRangeTaken(int64_t start_time, int64_t end_time);
// kFailedPrecondition "request '<id>' is held by '<holder>', not by '<owner>'".
Status RequestHeldByOther(const std::string& id, const std::string& holder,
                          const std::string& owner);

// kAlreadyExists "table job <date>/<table> is held by '<holder>' until <ISO time>".
Status TableJobHeld(const std::string& run_date, const std::string& table,
                    const std::string& holder, int64_t lease_expires_at);
// kAlreadyExists "table job <date>/<table> is busy: another replica is claiming it".
Status TableJobBusy(const std::string& run_date, const std::string& table);
// kFailedPrecondition "table job <date>/<table> is held by '<holder>', not by '<owner>'".
Status TableJobNotHeld(const std::string& run_date, const std::string& table,
                       const std::string& holder, const std::string& owner);
// kFailedPrecondition "table job <date>/<table> does not exist".
Status TableJobGone(const std::string& run_date, const std::string& table);

// job.unclassified_columns as a JSON array of strings; kInvalidArgument naming the job for a name
// that is not valid UTF-8.
Result<std::string> UnclassifiedColumnsToJson(const TableJobStatus& job);
// The names in a stored unclassified_columns value of `job` (for messages); kDataLoss naming the
// row unless `text` is a JSON array of strings.
Result<std::vector<std::string>> UnclassifiedColumnsFromJson(const std::string& text,
                                                             const TableJobStatus& job);

// kInvalidArgument unless `name` is 1..64 letters, digits, '-' or '_'.
Status CheckLeaderLockName(const std::string& name);

}  // namespace de::metadata

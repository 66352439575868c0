#include "policy/policy_csv.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "common/output_stream.h"
#include "policy/csv.h"
#include "policy/policy_csv_problems.h"

namespace de {

namespace policy_csv_internal {
namespace {

struct FileSpec {
  const char* file_name;
  const char* table_name;
  const char* header;
  size_t field_count;
};

constexpr FileSpec kFileSpecs[kPolicyFileCount] = {
    {kExportTablesCsv, "export_tables",
     "table_name,enabled,time_column,source_column,metric_column", 5},
    {kColumnClassificationCsv, "data_column_classification",
     "table_name,column_name,classification,treatment,pii", 5},
    {kSourceClassificationCsv, "actual_data_classifications", "source,classification", 2},
    {kMetricClassificationCsv, "long_table_data_classifications",
     "table_name,metric_name,classification,treatment", 4},
};

}  // namespace

const char* PolicyFileName(int file) { return kFileSpecs[file].file_name; }
const char* PolicyTableName(int file) { return kFileSpecs[file].table_name; }

void ProblemList::Add(int file, int position, std::string message) {
  problems_.push_back({file, position, std::move(message)});
}

Status ProblemList::ToStatus() const {
  if (problems_.empty()) return Status::Ok();
  std::vector<Problem> sorted = problems_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
    return std::pair(a.file, a.position) < std::pair(b.file, b.position);
  });
  std::string text;
  for (size_t i = 0; i < sorted.size() && i < kMaxListed; ++i) {
    if (i > 0) text += '\n';
    text += sorted[i].message;
  }
  if (sorted.size() > kMaxListed)
    text += fmt::format("\n... and {} more", sorted.size() - kMaxListed);
  return InvalidArgument("{}", text);
}

}  // namespace policy_csv_internal

namespace {

using policy_csv_internal::kFileSpecs;
using policy_csv_internal::kPolicyFileCount;
using policy_csv_internal::ProblemList;
namespace pci = policy_csv_internal;

// The content of `path`, or nullopt when it does not exist.
Result<std::optional<std::string>> ReadFileIfExists(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return ErrnoStatus(errno, "open");
  }
  std::string content;
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status status = ErrnoStatus(errno, "read");
      ::close(fd);
      return status;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(content));
}

std::optional<bool> ParseBool(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return std::nullopt;
}

// Turns the records of one file into rows of `out`, reporting problems.
class FileReader {
 public:
  FileReader(int file, PolicyCsv* out, ProblemList* problems)
      : file_(file), spec_(kFileSpecs[file]), out_(out), problems_(problems) {}

  void Read(std::string_view text) {
    std::vector<CsvRecord> records = ParseCsv(text);
    if (records.empty()) {
      Report(1, fmt::format("empty file; expected the header '{}'", spec_.header));
      return;
    }
    if (!records[0].problem.empty()) {
      Report(records[0].line, records[0].problem);
      return;
    }
    // As CSV again, so that a quoted comma in the header shows.
    std::string header;
    AppendCsvRecord(records[0].fields, &header);
    header.pop_back();
    if (header != spec_.header) {
      Report(records[0].line,
             fmt::format("wrong header '{}'; expected '{}'", header, spec_.header));
      return;
    }
    for (size_t i = 1; i < records.size(); ++i) ReadRow(records[i]);
  }

 private:
  void Report(int line, std::string_view message) {
    problems_->Add(file_, line, fmt::format("{}:{}: {}", spec_.file_name, line, message));
  }

  void ReadRow(const CsvRecord& record) {
    if (!record.problem.empty()) return Report(record.line, record.problem);
    const std::vector<std::string>& f = record.fields;
    if (f.size() != spec_.field_count) {
      return Report(record.line,
                    fmt::format("{} fields, expected {}", f.size(), spec_.field_count));
    }
    PolicySnapshot& policy = out_->policy;
    switch (file_) {
      case pci::kExportTablesFile:
        if (auto enabled = Bool(record, "enabled", f[1])) {
          policy.export_tables.push_back({f[0], *enabled, f[2], f[3], f[4]});
          out_->export_table_lines.push_back(record.line);
        }
        break;
      case pci::kColumnsFile:
        if (auto pii = Bool(record, "pii", f[4])) {
          policy.columns.push_back({f[0], f[1], f[2], f[3], *pii});
          out_->column_lines.push_back(record.line);
        }
        break;
      case pci::kSourcesFile:
        policy.sources.push_back({f[0], f[1]});
        out_->source_lines.push_back(record.line);
        break;
      case pci::kMetricsFile:
        policy.metrics.push_back({f[0], f[1], f[2], f[3]});
        out_->metric_lines.push_back(record.line);
        break;
    }
  }

  std::optional<bool> Bool(const CsvRecord& record, std::string_view column,
                           std::string_view text) {
    std::optional<bool> value = ParseBool(text);
    if (!value) {
      Report(record.line,
             fmt::format("{} must be true or false (or 1/0, yes/no), not '{}'", column, text));
    }
    return value;
  }

  int file_;
  const pci::FileSpec& spec_;
  PolicyCsv* out_;
  ProblemList* problems_;
};

const char* BoolText(bool value) { return value ? "true" : "false"; }

// The CSV text of policy table `file`.
std::string FormatFile(const PolicySnapshot& policy, int file) {
  std::string text = std::string(kFileSpecs[file].header) + "\n";
  switch (file) {
    case pci::kExportTablesFile:
      for (const ExportTable& t : policy.export_tables) {
        AppendCsvRecord(
            {t.table_name, BoolText(t.enabled), t.time_column, t.source_column, t.metric_column},
            &text);
      }
      break;
    case pci::kColumnsFile:
      for (const ColumnClassification& c : policy.columns) {
        AppendCsvRecord(
            {c.table_name, c.column_name, c.classification, c.treatment, BoolText(c.pii)}, &text);
      }
      break;
    case pci::kSourcesFile:
      for (const SourceClassification& s : policy.sources) {
        AppendCsvRecord({s.source, s.classification}, &text);
      }
      break;
    case pci::kMetricsFile:
      for (const MetricClassification& m : policy.metrics) {
        AppendCsvRecord({m.table_name, m.metric_name, m.classification, m.treatment}, &text);
      }
      break;
  }
  return text;
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> stream, OpenFileOutputStream(path));
  Status status = stream->Write(content);
  if (!status.ok()) {
    stream->Abort();
    return status;
  }
  return stream->Close();
}

}  // namespace

Result<PolicyCsv> ReadPolicyCsv(const std::string& dir) {
  PolicyCsv out;
  ProblemList problems;
  for (int file = 0; file < kPolicyFileCount; ++file) {
    const char* name = kFileSpecs[file].file_name;
    Result<std::optional<std::string>> text = ReadFileIfExists(dir + "/" + name);
    if (!text.ok()) {
      problems.Add(file, 0, fmt::format("{}: cannot read: {}", name, text.status().message()));
    } else if (!text->has_value()) {
      problems.Add(
          file, 0,
          fmt::format("{}: missing (the policy directory must hold all four files)", name));
    } else {
      FileReader(file, &out, &problems).Read(**text);
    }
  }
  RETURN_IF_ERROR(problems.ToStatus());
  return out;
}

Status WritePolicyCsv(const PolicySnapshot& policy, const std::string& dir) {
  // Format and check all four files first so a field that cannot be read back leaves the
  // directory untouched.
  std::vector<std::string> texts;
  for (int file = 0; file < kPolicyFileCount; ++file) {
    texts.push_back(FormatFile(policy, file));
    std::string_view what;
    if (FindInvalidCsvText(texts.back(), &what) != std::string_view::npos) {
      return InvalidArgument("cannot write {}: a field holds a {}", kFileSpecs[file].file_name,
                             what);
    }
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return ErrnoStatus(error.value(), "create directory " + dir);
  for (int file = 0; file < kPolicyFileCount; ++file) {
    std::string path = dir + "/" + kFileSpecs[file].file_name;
    RETURN_IF_ERROR(WriteFileAtomically(path, texts[file]).WithContext("write " + path));
  }
  return Status::Ok();
}

}  // namespace de

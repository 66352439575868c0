// The pre-publish policy audit (DESIGN.md §3.2): before a file is published, its schema is read
// back from the bytes actually written and checked against the policy it was written under. It
// guards against a bug anywhere between the plan and the encoder: a file that fails is never
// published and the table export fails.
#pragma once

#include <memory>
#include <string>

#include "common/output_stream.h"
#include "common/status.h"
#include "parquet/footer_reader.h"
#include "policy/export_plan.h"

namespace de {

// Checks a written file's footer against `plan`, re-deriving from the plan's column rules (not
// from its output list) that every column may leave: it is classified, not `de`, a pii column
// only through a treatment, an `hwc` column only through one that is not `drop`, a
// {column}_compressed column only for a `compress` column, and its type is what the rule
// produces. The footer's policy version and table must be the plan's, and the file must hold
// exactly the plan's output columns. kPolicyViolation naming the first offending column.
Status AuditFileFooter(const parquet::FileFooter& footer, const ExportPlan& plan);

// Wraps the stream a Parquet file is written to: keeps the file's tail and, on Close(), audits
// its footer before closing (publishing) the inner stream. On a violation, or a footer that
// cannot be read back, the inner stream is aborted (nothing is published) and Close() returns
// the error. `plan` must outlive the stream.
std::unique_ptr<OutputStream> AuditingStream(std::unique_ptr<OutputStream> inner,
                                             const ExportPlan* plan);

}  // namespace de

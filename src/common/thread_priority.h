// Export work yields the CPU to the API: threads that export call LowerThisThreadPriority at
// their start, so on a busy machine the HTTP threads (answering /healthz and requestStatus) and
// the warehouse keep their share. Threads an export thread starts (compression, S3 parts)
// inherit its nice value (Linux keeps it per thread).
#pragma once

namespace de {

// The nice value export threads run at.
inline constexpr int kExportThreadNice = 10;

// Raises the calling thread's nice value to `nice` (0..19) unless it is already as high.
// Returns the thread's nice value afterwards; a failure leaves it as it was (never an error:
// priority is a courtesy, not a requirement).
int LowerThisThreadPriority(int nice = kExportThreadNice);

// The calling thread's nice value.
int ThisThreadNice();

}  // namespace de

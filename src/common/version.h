// The exporter's version, from the CMake project version.
#pragma once

#include <string_view>

namespace de {

inline constexpr std::string_view kVersion = DE_VERSION;
inline constexpr std::string_view kProductName = "data-exporter";

}  // namespace de

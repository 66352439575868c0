// The demo warehouse's policy (warehouse/sqlite/demo_warehouse.h) as a PolicySnapshot, ready for
// MetadataStore::ReplacePolicy. Used by `data-exporter demo` and by the tests.
#pragma once

#include "metadata/metadata_store.h"

namespace de {

PolicySnapshot DemoPolicySnapshot();

}  // namespace de

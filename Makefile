# The two commands of README.md:
#   make demo   install what is missing, build, run the demo export (serves links until Ctrl-C)
#   make test   install what is missing, build, run every test
# Release build in build/release; the unit tests also run in an ASan+UBSan build in build/asan.

BUILD_DIR ?= build/release
ASAN_DIR  ?= build/asan
JOBS      ?= $(shell nproc)
CTEST_ARGS ?= --output-on-failure

.PHONY: all deps test-deps bench-deps build build-asan demo test unit interop e2e bench microbench format clean

all: build

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

bench-deps:
	@scripts/install-deps --test --bench

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDE_BUILD_TESTS=OFF

$(ASAN_DIR)/CMakeCache.txt:
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Asan -DDE_BUILD_BENCH=OFF

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

build-asan: test-deps $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j$(JOBS)

demo: build
	$(BUILD_DIR)/src/data-exporter demo

# Unit tests under AddressSanitizer/UBSan, then the interop and end-to-end suites on the
# release build (the independent readers and the real server).
test: test-deps build build-asan
	cd $(ASAN_DIR) && ctest -L unit $(CTEST_ARGS) -j$(JOBS)
	cd $(BUILD_DIR) && ctest -L 'interop|e2e' $(CTEST_ARGS)

unit: build-asan
	cd $(ASAN_DIR) && ctest -L unit $(CTEST_ARGS) -j$(JOBS)

interop: test-deps build
	cd $(BUILD_DIR) && ctest -L interop $(CTEST_ARGS)

e2e: test-deps build
	cd $(BUILD_DIR) && ctest -L e2e $(CTEST_ARGS)

# The performance figures of README.md's Performance section, each beside its anchor (PostgreSQL
# COPY binary, DuckDB's Parquet writer); BENCH_ARGS e.g. "--only writer --pairs 5".
bench: bench-deps build
	bench/run $(BENCH_ARGS)

# Google Benchmark micro-benchmarks of the Parquet encoders.
microbench: bench-deps build
	$(BUILD_DIR)/bench/parquet_writer_bench

format:
	find src tests bench -name '*.h' -o -name '*.cc' | grep -v node_modules | xargs clang-format -i

clean:
	rm -rf build

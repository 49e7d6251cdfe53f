# Thin wrapper around CMake and the scripts in scripts/.
#   make build            configure + build into build/ (SANITIZE=1: build-asan/, ASan+UBSan)
#   make run              build, start local PostgreSQL (.data/pg), migrate, demo tenant, serve :8080
#   make test             build, run all suites against a throwaway PostgreSQL
#   make test SANITIZE=1  same with AddressSanitizer/UBSan
#   make bench            Release build into build-release/, then scripts/bench.sh
#   make db-stop          stop the local PostgreSQL started by `make run`
#   make clean            remove build directories

SANITIZE ?= 0
BUILD_TYPE ?= RelWithDebInfo

ifeq ($(SANITIZE),1)
BUILD ?= build-asan
CMAKE_SANITIZE := ON
TEST_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
BUILD ?= build
CMAKE_SANITIZE := OFF
TEST_ENV :=
endif

JOBS := $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test bench db-stop clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DOMS_SANITIZE=$(CMAKE_SANITIZE) -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
	cmake --build $(BUILD) -j$(JOBS)

run: build
	scripts/run.sh $(BUILD)

test: build
	$(TEST_ENV) scripts/test.sh $(BUILD)

bench:
	$(MAKE) --no-print-directory build BUILD=build-release BUILD_TYPE=Release SANITIZE=0
	@if [ -f scripts/bench.sh ]; then \
		bash scripts/bench.sh build-release; \
	else \
		echo "bench: scripts/bench.sh is not written yet" >&2; exit 1; \
	fi

db-stop:
	scripts/pg.sh stop .data/pg

clean:
	rm -rf build build-asan build-release

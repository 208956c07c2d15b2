# Vigil - top-level Makefile.  See README.md.
#   make        build build/vigil
#   make deps   install missing Debian and npm packages (idempotent)
#   make run    deps + build + database under ./var + demo data, then serve
#   make check  deps + ASan/UBSan build + every test suite
#   make bench  the benchmarks in bench/ (not tests)

BUILD ?= build
CHECK_BUILD ?= build-check
VAR ?= var
DB ?= sqlite:$(VAR)/vigil.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps run check bench clean fuzz

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

deps:
	sh scripts/deps.sh

run: deps all
	mkdir -p $(VAR)
	$(BUILD)/vigil --db $(DB) migrate
	@if [ ! -f $(VAR)/.demo-loaded ]; then \
		$(BUILD)/vigil --db $(DB) demo --history 2000 && touch $(VAR)/.demo-loaded; \
	fi
	$(BUILD)/vigil --db $(DB) serve --listen $(LISTEN)

$(CHECK_BUILD)/build.ninja:
	meson setup $(CHECK_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
	    -Db_lundef=false -Dwerror=true

check: deps $(CHECK_BUILD)/build.ninja
	ninja -C $(CHECK_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    meson test -C $(CHECK_BUILD) --print-errorlogs --num-processes 2

bench: all
	sh bench/intake
	sh bench/queue
	sh bench/ingest
	sh bench/metrics

fuzz:
	test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz \
	    -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
	    --buildtype=debug
	ninja -C build-fuzz

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) build-fuzz

# Thin wrapper over CMake. Builds out of tree in $(BUILD). Only `make deps`
# (which `make demo` and `make test` call) installs packages; `make` and
# `make install` never run apt-get.
BUILD ?= build
CMAKE_FLAGS ?=
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build test demo demo-telecom bench clean deps install pot

all: build

# The Debian packages of .ci/packages: installed when run as root, else the
# exact apt-get line is printed.
deps:
	@bash .ci/deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j2

test: deps
	$(MAKE) build
	ctest --test-dir $(BUILD) --output-on-failure -j2

demo: deps
	$(MAKE) build
	bash examples/after-sales/demo.sh $(BUILD)/manyi $(BUILD)/after-sales.db

# po/manyi.pot: every message of the code and the command table (CMakeLists.txt).
pot: build
	cmake --build $(BUILD) --target pot

# make install PREFIX=/usr DESTDIR=stage: bin/manyi, share/manyi/{policies,schemas},
# share/man/man1/manyi.1, share/bash-completion/completions/manyi,
# lib/systemd/system/manyi.service under DESTDIR/PREFIX.
install: build
	DESTDIR=$(abspath $(DESTDIR)) cmake --install $(BUILD) --prefix $(PREFIX)

demo-telecom: deps
	$(MAKE) build
	bash examples/telecom/demo.sh $(BUILD)/manyi $(BUILD)/telecom.db

bench: deps
	$(MAKE) build
	rc=0; bash bench/run.sh $(BUILD) || rc=$$?; bash bench/tiers.sh $(BUILD) || rc=$$?; \
	  bash bench/stats.sh $(BUILD) || rc=$$?; \
	  bash bench/sched.sh $(BUILD) || rc=$$?; \
	  bash bench/survey.sh $(BUILD) || rc=$$?; exit $$rc

clean:
	rm -rf $(BUILD)

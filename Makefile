# Thin wrapper over CMake. Builds out of tree in $(BUILD).
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all build test demo demo-telecom bench clean deps

all: build

deps:
	@bash .ci/deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j2

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j2

demo: build
	bash examples/after-sales/demo.sh $(BUILD)/manyi $(BUILD)/after-sales.db

demo-telecom: build
	bash examples/telecom/demo.sh $(BUILD)/manyi $(BUILD)/telecom.db

bench: build
	rc=0; bash bench/run.sh $(BUILD) || rc=$$?; bash bench/tiers.sh $(BUILD) || rc=$$?; \
	  bash bench/stats.sh $(BUILD) || rc=$$?; \
	  bash bench/sched.sh $(BUILD) || rc=$$?; \
	  bash bench/survey.sh $(BUILD) || rc=$$?; exit $$rc

clean:
	rm -rf $(BUILD)

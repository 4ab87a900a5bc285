# Fuzz targets (tests/fuzz/README.md). Included from the top CMakeLists.txt.
# Always: fuzz_<target>_replay, a plain executable that runs a target over its
# seed corpus and its regressions, registered as the ctest fuzz_<target>.
# With -DMANYI_FUZZ=ON (clang): fuzz_<target>, the libFuzzer binaries.
set(MANYI_FUZZ_TARGETS config records import time cron policy form)
set(MANYI_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)

foreach(t ${MANYI_FUZZ_TARGETS})
  add_executable(fuzz_${t}_replay ${MANYI_FUZZ_DIR}/fuzz_${t}.c ${MANYI_FUZZ_DIR}/replay.c)
  target_include_directories(fuzz_${t}_replay PRIVATE ${MANYI_FUZZ_DIR})
  target_link_libraries(fuzz_${t}_replay PRIVATE mi_serve ${MANYI_LIBS})
  target_compile_definitions(fuzz_${t}_replay PRIVATE MANYI_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_compile_options(fuzz_${t}_replay PRIVATE -UNDEBUG) # the targets check with assert()
  add_test(NAME fuzz_${t}
           COMMAND fuzz_${t}_replay ${MANYI_FUZZ_DIR}/corpus/${t} ${MANYI_FUZZ_DIR}/regressions/${t})
  if(MANYI_FUZZ)
    add_executable(fuzz_${t} ${MANYI_FUZZ_DIR}/fuzz_${t}.c)
    target_include_directories(fuzz_${t} PRIVATE ${MANYI_FUZZ_DIR})
    target_link_libraries(fuzz_${t} PRIVATE mi_serve ${MANYI_LIBS})
    target_compile_definitions(fuzz_${t} PRIVATE MANYI_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    target_compile_options(fuzz_${t} PRIVATE -UNDEBUG)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
  endif()
endforeach()

# bench_score: qlq_score and qlq-score throughput beside their baselines (a program, not a test).
add_executable(bench_score ${CMAKE_CURRENT_LIST_DIR}/score_bench.c)
target_link_libraries(bench_score PRIVATE qlq_score_fmt qlq_core)
target_compile_definitions(bench_score PRIVATE QLQ_SCORE_BIN="$<TARGET_FILE:qlq-score>"
                                               QLQ_BUILD_TYPE="${CMAKE_BUILD_TYPE}")
add_dependencies(bench_score qlq-score)

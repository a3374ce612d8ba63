# bench_asr: the recogniser beside the default US-English language model (a program, not a test).
# bench/asr_run.sh generates the corpus (cached under build/) and runs it.
add_executable(bench_asr ${CMAKE_CURRENT_LIST_DIR}/asr_bench.c ${CMAKE_CURRENT_LIST_DIR}/asr_baseline.c)
target_link_libraries(bench_asr PRIVATE qlq_asr qlq_asr_pocketsphinx qlq_audio m)

# bench_tts: eSpeak NG synthesis time per item beside a cache hit of the same audio (a program, not a test).
add_executable(bench_tts ${CMAKE_CURRENT_LIST_DIR}/tts_bench.c)
target_link_libraries(bench_tts PRIVATE qlq_tts qlq_loader)
target_compile_definitions(bench_tts PRIVATE QLQ_BUILD_TYPE="${CMAKE_BUILD_TYPE}")

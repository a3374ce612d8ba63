# bench_bargein: answers said over the item being read, through app/speech.c (a program, not a test).
add_executable(bench_bargein ${CMAKE_CURRENT_LIST_DIR}/bargein_bench.c)
target_link_libraries(bench_bargein PRIVATE qlq_app qlq_loader m)

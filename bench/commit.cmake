# bench_commit: time of one durable answer commit against the disk's own write+fdatasync floor.
add_executable(bench_commit ${CMAKE_CURRENT_SOURCE_DIR}/commit_bench.c)
target_link_libraries(bench_commit PRIVATE qlq_store)

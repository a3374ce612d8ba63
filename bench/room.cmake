# bench_room: item 0's microphone check over the ASR corpus, room by room (a program, not a test).
add_executable(bench_room ${CMAKE_CURRENT_LIST_DIR}/room_bench.c)
target_link_libraries(bench_room PRIVATE qlq_core qlq_audio)

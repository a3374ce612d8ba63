# bench_audio: resampling speed (x real time) beside a plain copy of the same buffer (a program, not a test).
add_executable(bench_audio ${CMAKE_CURRENT_LIST_DIR}/audio_bench.c)
target_link_libraries(bench_audio PRIVATE qlq_audio m)
target_include_directories(bench_audio PRIVATE ${PROJECT_SOURCE_DIR}/audio) # pa_echo.h, internal to audio/
target_compile_definitions(bench_audio PRIVATE QLQ_BUILD_TYPE="${CMAKE_BUILD_TYPE}")

typedef int qlq_core_placeholder;

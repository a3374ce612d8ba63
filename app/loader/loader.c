/* placeholder until the loader lands */
typedef int qlq_loader_placeholder;

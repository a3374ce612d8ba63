/* placeholder until storage lands */
typedef int qlq_store_placeholder;

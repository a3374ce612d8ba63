typedef int qlq_ui_text_placeholder;

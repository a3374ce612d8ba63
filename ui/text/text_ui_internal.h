/* Shared between the text front end's files; not part of the ui module's interface. */
#ifndef TEXT_UI_INTERNAL_H
#define TEXT_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "qlq_core.h"

typedef struct {
    int fd;
    char buf[4096];
    size_t len;
    bool eof;
    bool overlong;
} text_line_reader;

int text_read_line(text_line_reader *r, char *line, size_t cap, int wait_ms);
/* Turns a line typed at the current step's prompt into an event. On false, *why says which message
 * explains what was expected. Modifies `line` (trims it). */
bool text_parse_line(const qlq_session *s, char *line, qlq_event *ev, qlq_refusal *why);

#endif

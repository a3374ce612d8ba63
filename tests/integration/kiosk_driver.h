/* Runs a program (qlq-kiosk, qlq-score) as a child with pipes and talks to it line by line. */
#ifndef KIOSK_DRIVER_H
#define KIOSK_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    int to_child;   /* child's stdin; -1 once closed */
    int from_child; /* child's stdout */
    char buf[65536];
    size_t len;
    bool eof;
} child_proc;

/* Starts argv[0] with argv; stderr goes to `stderr_path` (NULL: inherited). 0 on success. */
int child_start(child_proc *c, char *const argv[], const char *stderr_path);
/* Reads one line (without the newline) within timeout_ms; returns false at end of output or timeout. */
bool child_read_line(child_proc *c, char *line, size_t cap, int timeout_ms);
/* Reads lines until one starts with "? " and copies what follows into `prompt`; every other line is
 * passed to `seen` (may be NULL). false at end of output or timeout. */
bool child_next_prompt(child_proc *c, char *prompt, size_t cap, int timeout_ms,
                       void (*seen)(void *ctx, const char *line), void *ctx);
/* Writes `line` and a newline. */
int child_send(child_proc *c, const char *line);
void child_close_input(child_proc *c);
/* Waits for the child; returns its exit status, or 128 + signal. */
int child_wait(child_proc *c);
void child_kill(child_proc *c);

/* Paths of the binaries under test, from compile definitions. */
const char *kiosk_binary(void);
/* How many lines of the file at `path` (a child's log) contain `needle`; 0 when it cannot be read. */
int file_count_lines_with(const char *path, const char *needle);
const char *score_binary(void);

#endif

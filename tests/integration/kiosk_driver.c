#include "kiosk_driver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *kiosk_binary(void)
{
    return QLQ_KIOSK_BIN;
}

const char *score_binary(void)
{
    return QLQ_SCORE_BIN;
}

int child_start(child_proc *c, char *const argv[], const char *stderr_path)
{
    int in[2], out[2];
    memset(c, 0, sizeof *c);
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    c->pid = fork();
    if (c->pid < 0)
        return -1;
    if (c->pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        if (stderr_path) {
            int fd = open(stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
            if (fd >= 0)
                dup2(fd, STDERR_FILENO);
        }
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    c->to_child = in[1];
    c->from_child = out[0];
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool child_read_line(child_proc *c, char *line, size_t cap, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t n = (size_t)(nl - c->buf);
            size_t keep = n < cap - 1 ? n : cap - 1;
            memcpy(line, c->buf, keep);
            line[keep] = '\0';
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return true;
        }
        if (c->eof || c->len == sizeof c->buf)
            return false;
        int left = (int)(deadline - now_ms());
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = c->from_child, .events = POLLIN};
        int r = poll(&p, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        ssize_t got = read(c->from_child, c->buf + c->len, sizeof c->buf - c->len);
        if (got <= 0)
            c->eof = true;
        else
            c->len += (size_t)got;
    }
}

bool child_next_prompt(child_proc *c, char *prompt, size_t cap, int timeout_ms,
                       void (*seen)(void *ctx, const char *line), void *ctx)
{
    char line[4096];
    while (child_read_line(c, line, sizeof line, timeout_ms)) {
        if (strncmp(line, "? ", 2) == 0) {
            snprintf(prompt, cap, "%s", line + 2);
            return true;
        }
        if (seen)
            seen(ctx, line);
    }
    return false;
}

int child_send(child_proc *c, const char *line)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%s\n", line);
    return write(c->to_child, buf, (size_t)n) == n ? 0 : -1;
}

void child_close_input(child_proc *c)
{
    if (c->to_child >= 0)
        close(c->to_child);
    c->to_child = -1;
}

int child_wait(child_proc *c)
{
    int status = 0;
    child_close_input(c);
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close(c->from_child);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

void child_kill(child_proc *c)
{
    kill(c->pid, SIGKILL);
}

int file_count_lines_with(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

/* pulse_room.c - see pulse_room.h. The programs are Debian's pulseaudio, paplay and parec. */
#define _DEFAULT_SOURCE /* closefrom */
#include "pulse_room.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void set_err(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && len)
        vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* fork + exec with stdout (and stderr) sent to `out_path` (NULL: /dev/null). */
static pid_t spawn(char *const argv[], const char *out_path, bool also_stderr)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int quiet = open("/dev/null", O_WRONLY);
    if (fd < 0 || quiet < 0)
        _exit(126);
    dup2(fd, STDOUT_FILENO);
    dup2(also_stderr ? fd : quiet, STDERR_FILENO);
    /* nothing else of the test's: a pipe to a kiosk's stdin held open here would never reach EOF */
    closefrom(STDERR_FILENO + 1);
    execvp(argv[0], argv);
    _exit(127);
}

/* Waits up to `ms` for the child; SIGKILL after. Its exit status, or -1. */
static int reap(pid_t pid, int ms)
{
    int status = 0;
    for (int waited = 0; waited < ms; waited += 10) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (w < 0)
            return -1;
        sleep_ms(10);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

static bool write_script(const pulse_room *r, int room_rate, int room_channels, int speaker_rate,
                         int speaker_channels, char *path, size_t cap)
{
    snprintf(path, cap, "%s/room.pa", r->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    /* the socket last: a client that can connect finds the sinks there */
    fprintf(f,
            "load-module module-null-sink sink_name=room rate=%d channels=%d format=s16le\n"
            "load-module module-null-sink sink_name=speaker rate=%d channels=%d format=s16le\n"
            "set-default-source room.monitor\n"
            "set-default-sink speaker\n"
            "load-module module-native-protocol-unix auth-anonymous=1 socket=%s/native\n",
            room_rate, room_channels, speaker_rate, speaker_channels, r->dir);
    return fclose(f) == 0;
}

static bool answers(void)
{
    return system("pactl list short sinks 2>/dev/null | grep -q speaker") == 0;
}

/* A null sink plays with 2 s of latency unless a client asks for less; a sound card's runs at a few
 * ms. A silent player on each sink asks for 10 ms, so that what is played is heard at once and a
 * stopped player stops at once, as on a card. Waits until both sinks run that way. */
static bool keep_latency_low(pulse_room *r, char *err, size_t err_len)
{
    const char *sinks[2] = {"--device=room", "--device=speaker"};
    for (int i = 0; i < 2; i++) {
        char *argv[] = {"pacat", "--playback", (char *)sinks[i], "--latency-msec=10", "--raw", "/dev/zero", NULL};
        r->keepers[i] = spawn(argv, NULL, false);
    }
    /* "Latency: N usec": at most five digits on both sinks */
    for (int waited = 0; waited < 10000; waited += 50) {
        if (system("test \"$(pactl list sinks | grep -cE '^[[:space:]]+Latency: [0-9]{1,5} usec')\" = 2") == 0)
            return true;
        sleep_ms(50);
    }
    set_err(err, err_len, "the sound server's sinks did not come down to a short latency within 10 s");
    return false;
}

/* Starts the server on the room's script and socket; waits until it answers with both sinks. */
static bool launch(pulse_room *r, char *err, size_t err_len)
{
    char script[128], log[128];
    snprintf(script, sizeof script, "%s/room.pa", r->dir);
    snprintf(log, sizeof log, "%s/server.log", r->dir);
    /* the server keeps its state in the test's folder, not in the user's */
    char home[96], runtime[96];
    snprintf(home, sizeof home, "HOME=%s", r->dir);
    snprintf(runtime, sizeof runtime, "XDG_RUNTIME_DIR=%s", r->dir);
    char *argv[] = {"env", home, runtime, "pulseaudio", "-n", "-F", script, "--daemonize=no", "--exit-idle-time=-1",
                    "--disallow-exit", "--use-pid-file=no", "--log-target=stderr", NULL};
    r->server = spawn(argv, log, true);
    if (r->server < 0) {
        set_err(err, err_len, "cannot start pulseaudio: %s", strerror(errno));
        return false;
    }
    for (int waited = 0; waited < 10000; waited += 50) {
        if (answers())
            return keep_latency_low(r, err, err_len);
        if (waitpid(r->server, NULL, WNOHANG) == r->server) {
            r->server = 0;
            set_err(err, err_len, "pulseaudio stopped at once (is it installed? see %s)", log);
            return false;
        }
        sleep_ms(50);
    }
    set_err(err, err_len, "pulseaudio did not answer within 10 s (see %s)", log);
    return false;
}

bool pulse_room_start(pulse_room *r, int room_rate, int room_channels, int speaker_rate, int speaker_channels,
                      char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/qlq-pulse-XXXXXX");
    if (!mkdtemp(r->dir)) {
        set_err(err, err_len, "cannot make a folder for the sound server: %s", strerror(errno));
        return false;
    }
    char script[128], server[128];
    if (!write_script(r, room_rate, room_channels, speaker_rate, speaker_channels, script, sizeof script)) {
        set_err(err, err_len, "cannot write %s", script);
        return false;
    }
    snprintf(server, sizeof server, "unix:%s/native", r->dir);
    setenv("PULSE_SERVER", server, 1);
    return launch(r, err, err_len);
}

/* Stops the server's players and then the server, with `sig`. */
static void stop_processes(pulse_room *r, int sig)
{
    pulse_room_record_stop(r);
    for (int i = 0; i < 2; i++)
        if (r->keepers[i] > 0) {
            kill(r->keepers[i], SIGTERM);
            reap(r->keepers[i], 5000);
            r->keepers[i] = 0;
        }
    if (r->server > 0) {
        kill(r->server, sig);
        reap(r->server, 5000);
        r->server = 0;
    }
}

void pulse_room_crash(pulse_room *r) { stop_processes(r, SIGKILL); }

bool pulse_room_restart(pulse_room *r, char *err, size_t err_len) { return launch(r, err, err_len); }

pid_t pulse_room_say(const pulse_room *r, const char *wav_path)
{
    (void)r;
    char *argv[] = {"paplay", "--device=room", (char *)wav_path, NULL};
    return spawn(argv, NULL, false);
}

int pulse_room_said(pid_t player)
{
    int status = 0;
    pid_t w = player > 0 ? waitpid(player, &status, WNOHANG) : -1;
    if (w == 0)
        return 0;
    return w == player && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : -1;
}

bool pulse_room_record_start(pulse_room *r, const char *raw_path, const char *room_raw_path, int rate, int channels)
{
    char rate_arg[32], channels_arg[32];
    snprintf(rate_arg, sizeof rate_arg, "--rate=%d", rate);
    snprintf(channels_arg, sizeof channels_arg, "--channels=%d", channels);
    const char *devices[2] = {"--device=speaker.monitor", "--device=room.monitor"};
    const char *paths[2] = {raw_path, room_raw_path};
    for (int i = 0; i < 2 && paths[i]; i++) {
        char *argv[] = {"parec", (char *)devices[i], "--format=s16le", rate_arg, channels_arg, "--latency-msec=20",
                        NULL};
        r->recorders[i] = spawn(argv, paths[i], false);
        if (r->recorders[i] <= 0)
            return false;
    }
    return true;
}

void pulse_room_record_stop(pulse_room *r)
{
    for (int i = 0; i < 2; i++)
        if (r->recorders[i] > 0) {
            kill(r->recorders[i], SIGTERM);
            reap(r->recorders[i], 5000);
            r->recorders[i] = 0;
        }
}

void pulse_room_stop(pulse_room *r)
{
    stop_processes(r, SIGTERM);
    unsetenv("PULSE_SERVER");
    if (r->dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "pulse_room: could not remove %s\n", r->dir);
        r->dir[0] = '\0';
    }
}

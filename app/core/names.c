/* Names of the core's enums as they appear in storage and logs, calendar dates, defaults. */
#include <string.h>

#include "qlq_core.h"

void qlq_config_default(qlq_config *cfg)
{
    cfg->idle_warning_ms = 3 * 60 * 1000;
    cfg->idle_timeout_ms = 5 * 60 * 1000;
    cfg->thanks_ms = 20 * 1000;
    cfg->voice_confident = 0.75f;
    cfg->voice_retries = 2;
    cfg->listen_ms = 8000;
    cfg->confirm_window_ms = 2500;
    cfg->check_min_snr_db = 12.0f;
    cfg->check_chatter_unsteady_db = 3.0f;
    cfg->check_chatter_min_snr_db = 20.0f;
}

bool qlq_room_drowns_voice(const qlq_config *cfg, float snr_db, float noise_unsteady_db)
{
    float min_snr_db = cfg->check_min_snr_db;
    if (noise_unsteady_db >= cfg->check_chatter_unsteady_db && cfg->check_chatter_min_snr_db > min_snr_db)
        min_snr_db = cfg->check_chatter_min_snr_db;
    return snr_db < min_snr_db;
}

const char *qlq_action_name(qlq_action a)
{
    switch (a) {
    case QLQ_ACTION_ANSWER: return "ANSWER";
    case QLQ_ACTION_CHANGE: return "CHANGE";
    case QLQ_ACTION_SKIP: return "SKIP";
    case QLQ_ACTION_TIMEOUT: return "TIMEOUT";
    case QLQ_ACTION_SUBMIT: return "SUBMIT";
    }
    return "?";
}

const char *qlq_source_name(qlq_source s)
{
    switch (s) {
    case QLQ_SOURCE_TOUCH: return "TOUCH";
    case QLQ_SOURCE_VOICE: return "VOICE";
    case QLQ_SOURCE_KEYBOARD: return "KEYBOARD";
    case QLQ_SOURCE_SYSTEM: return "SYSTEM";
    }
    return "?";
}

const char *qlq_mode_name(qlq_mode m)
{
    return m == QLQ_MODE_CONTINUOUS ? "CONTINUOUS" : "MANUAL";
}

qlq_msg qlq_refusal_msg(qlq_refusal r)
{
    switch (r) {
    case QLQ_REFUSE_YES_NO: return QLQ_MSG_ERR_YES_NO;
    case QLQ_REFUSE_INITIALS: return QLQ_MSG_ERR_INITIALS;
    case QLQ_REFUSE_DATE_FORMAT: return QLQ_MSG_ERR_DATE_FORMAT;
    case QLQ_REFUSE_DATE_FUTURE: return QLQ_MSG_ERR_DATE_FUTURE;
    case QLQ_REFUSE_MODE: return QLQ_MSG_ERR_MODE;
    case QLQ_REFUSE_ANSWER: return QLQ_MSG_ERR_ANSWER;
    case QLQ_REFUSE_REVIEW: return QLQ_MSG_ERR_REVIEW;
    case QLQ_REFUSE_NONE:
    case QLQ_REFUSE_NOT_NOW: break;
    }
    return QLQ_MSG_ERR_NOT_NOW;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static bool parse_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool qlq_date_parse(const char *text, qlq_date *out)
{
    qlq_date d;
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    if (!parse_digits(text, 4, &d.year) || !parse_digits(text + 5, 2, &d.month) ||
        !parse_digits(text + 8, 2, &d.day))
        return false;
    if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
        return false;
    *out = d;
    return true;
}

int qlq_date_compare(qlq_date a, qlq_date b)
{
    long ka = (long)a.year * 10000 + a.month * 100 + a.day;
    long kb = (long)b.year * 10000 + b.month * 100 + b.day;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

static void put_digits(char *out, int value, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

void qlq_date_format(qlq_date d, char out[11])
{
    put_digits(out, d.year, 4);
    out[4] = '-';
    put_digits(out + 5, d.month, 2);
    out[7] = '-';
    put_digits(out + 8, d.day, 2);
    out[10] = '\0';
}

/* English, one line per event, to stderr. Never patient data: session UUIDs and item numbers only. */
#ifndef QLQ_LOG_H
#define QLQ_LOG_H

#if defined(__GNUC__)
#define QLQ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define QLQ_PRINTF(a, b)
#endif

void qlq_log(const char *fmt, ...) QLQ_PRINTF(1, 2);

#endif

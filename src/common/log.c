/* log.c: one line per message on stderr with UTC time, level and origin. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "oms/log.h"

int oms_log_threshold = OMS_LOG_INFO;

static const char *names[] = {"debug", "info", "warn", "error"};

int oms_log_level_parse(const char *s)
{
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0)
      return i;
  if (strcmp(s, "warning") == 0)
    return OMS_LOG_WARN;
  return -1;
}

void oms_log_write(int level, const char *file, int line, const char *fmt, ...)
{
  char msg[2048];
  char ts[32];
  struct timespec now;
  struct tm tm;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  const char *base = strrchr(file, '/');
  if (level >= OMS_LOG_WARN)
    fprintf(stderr, "%s.%03ldZ %s %s (%s:%d)\n", ts, now.tv_nsec / 1000000, names[level], msg,
            base ? base + 1 : file, line);
  else
    fprintf(stderr, "%s.%03ldZ %s %s\n", ts, now.tv_nsec / 1000000, names[level], msg);
}

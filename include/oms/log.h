/* log.h: level-checked logging to stderr, one line per call.
 * Never log bodies, keys or secrets. */
#ifndef OMS_LOG_H
#define OMS_LOG_H

enum oms_log_level { OMS_LOG_DEBUG = 0, OMS_LOG_INFO, OMS_LOG_WARN, OMS_LOG_ERROR };

extern int oms_log_threshold;

/* Parses "debug|info|warn|error"; returns -1 when unknown. */
int oms_log_level_parse(const char *s);
void oms_log_write(int level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define OMS_LOG(level, ...)                                              \
  do {                                                                   \
    if ((level) >= oms_log_threshold)                                    \
      oms_log_write((level), __FILE__, __LINE__, __VA_ARGS__);           \
  } while (0)
#define LOG_DEBUG(...) OMS_LOG(OMS_LOG_DEBUG, __VA_ARGS__)
#define LOG_INFO(...) OMS_LOG(OMS_LOG_INFO, __VA_ARGS__)
#define LOG_WARN(...) OMS_LOG(OMS_LOG_WARN, __VA_ARGS__)
#define LOG_ERROR(...) OMS_LOG(OMS_LOG_ERROR, __VA_ARGS__)

#endif

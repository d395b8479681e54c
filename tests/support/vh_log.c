/*
 * sddf_log() for host test programs: lines go to stderr (unless VH_QUIET is
 * set in the environment) and the last VH_LOG_LINES are kept so that tests
 * can assert that a failure was logged. Link it, or provide your own
 * sddf_log().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_harness.h"

#define SDDF_LOG_COMPONENT "TEST"
#include <sddf/log.h>

#define VH_LOG_LINES 256
#define VH_LOG_CHARS 256
static char log_lines[VH_LOG_LINES][VH_LOG_CHARS];
static uint32_t log_total;

void sddf_log(const char *fmt, ...)
{
    char line[VH_LOG_CHARS];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (getenv("VH_QUIET") == NULL) {
        fputs(line, stderr);
    }
    memcpy(log_lines[log_total % VH_LOG_LINES], line, sizeof(line));
    log_total++;
}

uint32_t vh_log_count(const char *substring)
{
    uint32_t n = 0;
    uint32_t first = log_total > VH_LOG_LINES ? log_total - VH_LOG_LINES : 0;
    for (uint32_t i = first; i < log_total; i++) {
        n += strstr(log_lines[i % VH_LOG_LINES], substring) != NULL;
    }
    return n;
}

void vh_log_reset(void)
{
    log_total = 0;
}

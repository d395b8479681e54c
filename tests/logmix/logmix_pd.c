/*
 * One of the two PDs of tests/logmix/logmix.system (built twice, with
 * LOGMIX_NAME mix_a and mix_b): prints LOGMIX_LINES numbered lines, each
 * longer than one piece of the formatter (SDDF_FMT_PIECE), then a last line
 * saying it is done. tests/qemu/e2e-logmix.sh requires every one of them
 * whole on the console.
 */
#include <sddf/os.h>

#define SDDF_LOG_COMPONENT "LOGMIX"
#include <sddf/log.h>

#ifndef LOGMIX_NAME
#error "define LOGMIX_NAME (mix_a or mix_b)"
#endif
#define LOGMIX_STR2(x) #x
#define LOGMIX_STR(x)  LOGMIX_STR2(x)

#define LOGMIX_LINES 1000

/* 100 characters: with the prefix a line is 130, so the formatter hands it over in two pieces. */
static const char logmix_payload[] = "0123456789012345678901234567890123456789012345678901234567890123456789"
                                     "012345678901234567890123456789";

void init(void)
{
    for (int i = 1; i <= LOGMIX_LINES; i++) {
        LOG_INFO("%s: line %04d of %d: %s\n", LOGMIX_STR(LOGMIX_NAME), i, LOGMIX_LINES, logmix_payload);
    }
    LOG_INFO("%s: done, %d lines\n", LOGMIX_STR(LOGMIX_NAME), LOGMIX_LINES);
}

void notified(sddf_channel_t ch)
{
    (void)ch;
}

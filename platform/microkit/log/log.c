/*
 * The console PD that the Microkit build adds to every system
 * (platform/microkit/add-log-pd.sh): the one PD that writes to the debug
 * console. Every other PD hands it one sddf_log() line per protected
 * procedure call (platform/microkit/src/os.c) and it writes the line out
 * before it answers. It has the highest priority of all PDs, so on one core
 * nothing that prints can run while it writes, and lines arrive whole
 * (docs/decisions.md, "Whole console lines on seL4").
 *
 * Trusts nothing of a caller: it writes at most what the caller's message
 * holds, so a wrong length cannot show bytes left from another caller.
 */
#include <microkit.h>

void init(void)
{
}

void notified(microkit_channel ch)
{
    (void)ch;
}

/* The label is the line's length in bytes; the message words hold the bytes. */
microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    seL4_Word held = microkit_msginfo_get_count(msginfo) * sizeof(seL4_Word);
    seL4_Word len = microkit_msginfo_get_label(msginfo);
    const char *line = (const char *)seL4_GetIPCBuffer()->msg;
    if (len > held) {
        len = held;
    }
    for (seL4_Word i = 0; i < len; i++) {
        microkit_dbg_putc(line[i]);
    }
    return microkit_msginfo_new(0, 0);
}

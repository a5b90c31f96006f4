/*
 * Console over semihosting (SYS_WRITEC), for boards whose UART has no driver
 * yet. Slow (one debug trap per byte) but works under QEMU and debug probes.
 */
#include "mote_rt.h"

#ifdef MOTE_CONSOLE_SEMIHOSTING

void mote_console_init(void) {}

void mote_console_putc(uint8_t c)
{
    mote_semihost_writec((char)c);
}

#endif

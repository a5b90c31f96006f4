/*
 * critical.c: out-of-line `critical { }` for compiled code that would rather
 * call than inline the two instructions. Nesting-safe: exit restores the mask
 * that enter found, so an inner section never unmasks an outer one.
 */
#include "mote_rt.h"

uint32_t mote_critical_enter(void)
{
    return mote_irq_save();
}

void mote_critical_exit(uint32_t primask)
{
    mote_irq_restore(primask);
}

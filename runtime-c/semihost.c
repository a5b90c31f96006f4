/*
 * semihost.c: ARM semihosting calls (`bkpt 0xab` on M-profile, operation in
 * r0, argument in r1). QEMU runs them with `-semihosting-config enable=on`;
 * without a debugger or QEMU attached, BKPT escalates to HardFault.
 */
#include "mote_rt.h"

#define SYS_WRITEC 0x03u
#define SYS_WRITE0 0x04u
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t semihost_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* The program's end (mote_rt.h): here, as a call to it is taken for cold and the optimiser
 * would not inline a semihosting call into it. */
_Noreturn void mote_exit(int32_t code)
{
    /* SYS_EXIT_EXTENDED carries a full exit status, unlike SYS_EXIT on AArch32. */
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihost_call(SYS_EXIT_EXTENDED, block);
    for (;;) /* no host to stop us: park the core */
        __asm__ volatile("wfi");
}

void mote_semihost_write0(const char *s)
{
    semihost_call(SYS_WRITE0, s);
}

void mote_semihost_writec(char c)
{
    semihost_call(SYS_WRITEC, &c);
}

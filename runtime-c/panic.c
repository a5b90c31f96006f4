/*
 * panic.c: `panic: <message> at <file:line:col>` on the console, exit code 101
 * (what rustc-built test binaries use for a panic).
 */
#include "mote_rt.h"

/* Not volatile: only panic_task.c sets it, so without --panic=task the optimiser sees it
 * stay null and drops the call below. */
void (*mote_panic_hook)(void);

__attribute__((minsize)) void mote_panic_begin(void)   /* cold */
{
    /* No interrupt handler may run (and print) while the message is written. */
    __asm__ volatile("cpsid i" ::: "memory");
    mote_print_cstr("panic: ");
}

__attribute__((minsize)) _Noreturn void mote_panic_end(const uint8_t *loc, uint32_t len)
{
    mote_print_cstr(" at ");
    mote_print_str(loc, len);
    mote_console_putc('\n');
    void (*hook)(void) = mote_panic_hook;
    if (hook)
        hook();   /* --panic=task: back to the executor, the task is poisoned */
    mote_exit(MOTE_PANIC_EXIT_CODE);
}

__attribute__((minsize)) _Noreturn void mote_panic(const uint8_t *msg, uint32_t len,
                          const uint8_t *loc, uint32_t loclen)
{
    mote_panic_begin();
    mote_print_str(msg, len);
    mote_panic_end(loc, loclen);
}

/* Rust's bounds-check message, in one call from each bounds check (smaller call sites). */
__attribute__((minsize)) _Noreturn void mote_panic_bounds(uint32_t index, uint32_t len, const uint8_t *loc, uint32_t loclen)
{
    mote_panic_begin();
    mote_print_cstr("index out of bounds: the len is ");
    mote_print_u32(len);
    mote_print_cstr(" but the index is ");
    mote_print_u32(index);
    mote_panic_end(loc, loclen);
}

_Noreturn void mote_exit(int32_t code)
{
    mote_semihost_exit(code);
}

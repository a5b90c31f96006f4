/*
 * panic.c: `panic: <message> at <file:line:col>` on the console, exit code 101
 * (what rustc-built test binaries use for a panic).
 */
#include "mote_rt.h"

/* Not volatile: only panic_task.c sets it, so without --panic=task the optimiser sees it
 * stay null and drops the call below. */
void (*mote_panic_hook)(void);

/* The program's: 1 under --backtrace, else 0, and the optimiser drops the trace; weak, so C
 * programs linking runtime-c need not define it. */
extern const uint8_t mote_panic_backtrace __attribute__((weak));
void mote_panic_trace(void);

/* --backtrace builds: where the first panic function was entered (an address in it, SP there,
 * its LR: the return address into the code that panicked), for mote_panic_trace; and the
 * return address of the fn that panicked, which that fn stores before its panic call: a fn
 * whose only calls are panics keeps none on the stack (they do not return, so LLVM need not
 * save LR), and the walk would end there. */
uint32_t mote_panic_from[4];

/* At the start of each panic function code calls; only the first entered counts. */
#define NOTE_PANIC_ENTRY()                                                                    \
    do {                                                                                      \
        if (&mote_panic_backtrace && mote_panic_backtrace && mote_panic_from[2] == 0) {       \
            __asm__ volatile("mov %0, pc\n\tmov %1, sp"                                       \
                             : "=r"(mote_panic_from[0]), "=r"(mote_panic_from[1]));           \
            mote_panic_from[2] = (uint32_t)__builtin_return_address(0);                       \
        }                                                                                     \
    } while (0)

/* Out of line: qemu/gdbinit breaks here on every panic. A program that cannot panic drops it. */
__attribute__((minsize, noinline)) void mote_panic_begin(void)   /* cold */
{
    /* No interrupt handler may run (and print) while the message is written. */
    __asm__ volatile("cpsid i" ::: "memory");
    NOTE_PANIC_ENTRY();
    mote_print_cstr("panic: ");
}

/* The end of every panic, once its location is out: the line, then back to the executor
 * (--panic=task, the task is poisoned) or the exit. This and bounds_message are always
 * inlined: out of line they cost images 16-36 bytes, and the stack report finds the
 * hook's call in mote_panic_end and mote_panic_end_at. */
static inline __attribute__((always_inline)) _Noreturn void panic_finish(void)
{
    mote_console_putc('\n');
    if (&mote_panic_backtrace && mote_panic_backtrace)   /* --backtrace builds */
        mote_panic_trace();
    void (*hook)(void) = mote_panic_hook;
    if (hook)
        hook();
    mote_exit(MOTE_PANIC_EXIT_CODE);
}

/* Rust's bounds-check message, between `panic: ` and the location. */
static inline __attribute__((always_inline)) void bounds_message(uint32_t index, uint32_t len)
{
    mote_print_cstr("index out of bounds: the len is ");
    mote_print_u32(len);
    mote_print_cstr(" but the index is ");
    mote_print_u32(index);
}

__attribute__((minsize)) _Noreturn void mote_panic_end(const char *loc)
{
    mote_print_cstr(" at ");
    mote_print_cstr(loc);
    panic_finish();
}

__attribute__((minsize)) _Noreturn void mote_panic(const char *msg, const char *loc)
{
    NOTE_PANIC_ENTRY();
    mote_panic_begin();
    mote_print_cstr(msg);
    mote_panic_end(loc);
}

/* Rust's bounds-check message, in one call from each bounds check (smaller call sites). */
__attribute__((minsize)) _Noreturn void mote_panic_bounds(uint32_t index, uint32_t len, const char *loc)
{
    NOTE_PANIC_ENTRY();
    mote_panic_begin();
    bounds_message(index, len);
    mote_panic_end(loc);
}

/* The same three for compiled Mote code, which names a location by its index in the
 * program's site table (file index, line, column) instead of passing a string. */
/* Whether the program's sites are packed words (mote.llvm.PanicSites: line in bits 0-16,
 * column in 17-25, file index in 26-31), as they are when every site fits one. A constant of
 * the whole program, so one of the two readings folds away. Weak: C programs have no sites. */
extern const bool mote_panic_sites_packed __attribute__((weak));

__attribute__((minsize)) _Noreturn void mote_panic_end_at(uint32_t site)
{
    uint32_t line, column, file;
    if (&mote_panic_sites_packed != 0 && mote_panic_sites_packed) {
        uint32_t word = ((const uint32_t *)mote_panic_sites)[site];
        line = word & 0x1ffffu;
        column = (word >> 17) & 0x1ffu;
        file = word >> 26;
    } else {
        const struct mote_panic_site *s = &mote_panic_sites[site];
        line = s->line;
        column = s->column;
        file = s->file;
    }
    mote_print_cstr(" at ");
    mote_print_cstr(mote_panic_files[file].path);
    mote_console_putc(':');
    mote_print_u32(line);
    mote_console_putc(':');
    mote_print_u32(column);
    panic_finish();
}

__attribute__((minsize)) _Noreturn void mote_panic_at(const char *msg, uint32_t site)
{
    NOTE_PANIC_ENTRY();
    mote_panic_begin();
    mote_print_cstr(msg);
    mote_panic_end_at(site);
}

__attribute__((minsize)) _Noreturn void mote_panic_bounds_at(uint32_t index, uint32_t len, uint32_t site)
{
    NOTE_PANIC_ENTRY();
    mote_panic_begin();
    bounds_message(index, len);
    mote_panic_end_at(site);
}

/* --log interned: the message and location went out as one log frame after mote_panic_begin. */
__attribute__((minsize)) _Noreturn void mote_panic_end_interned(void)
{
    panic_finish();
}


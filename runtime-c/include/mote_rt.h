/*
 * mote_rt.h: the contract between compiled Mote programs and runtime-c.
 * docs/runtime-abi.md is the authoritative description; keep the two in step.
 */
#ifndef MOTE_RT_H
#define MOTE_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Provided by the compiled program ---- */
void mote_program_init(void);
bool mote_program_poll_main(int32_t *exit_code);
extern const uint32_t mote_task_count;

/* ---- Provided by runtime-c ---- */
void mote_print_str(const uint8_t *p, uint32_t len);
void mote_print_i64(int64_t v);
void mote_print_u64(uint64_t v);
void mote_print_hex(uint64_t v);
void mote_print_bool(bool v);

_Noreturn void mote_exit(int32_t code);

void mote_panic_begin(void);
_Noreturn void mote_panic_end(const uint8_t *loc, uint32_t len);
_Noreturn void mote_panic(const uint8_t *msg, uint32_t len,
                          const uint8_t *loc, uint32_t loclen);

void mote_wake_current(void);

/* ---- Internal to runtime-c (not called by compiled code) ---- */

/* The console driver selected by -DMOTE_CONSOLE_<KIND> (see drivers/). */
void mote_console_init(void);
void mote_console_putc(uint8_t c);

/* Polls ready tasks until the main task finishes; never returns. */
_Noreturn void mote_executor_run(void);

/* ARM semihosting (QEMU, debug probes). */
_Noreturn void mote_semihost_exit(int32_t code);
void mote_semihost_write0(const char *s);
void mote_semihost_writec(char c);

/* Critical sections: mask interrupts, restore the previous mask afterwards
 * (callers may already run with interrupts masked). Works on v6-M, which has
 * no LDREX/STREX. */
static inline uint32_t mote_irq_save(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) :: "memory");
    return primask;
}

static inline void mote_irq_restore(uint32_t primask)
{
    __asm__ volatile("msr primask, %0" :: "r"(primask) : "memory");
}

/* Prints a NUL-terminated string literal from inside the runtime. */
void mote_print_cstr(const char *s);

#endif

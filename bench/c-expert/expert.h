/*
 * expert.h: everything a bench program in bench/c-expert/ runs on, as an embedded engineer
 * would hand-write it for one board (lm3s6965evb) and one program: no runtime-c. Each
 * program is one translation unit (`#include "expert.h"`, then its own code), so the
 * compiler sees it whole, as with LTO.
 *
 * - Startup: the full vector table (16 system vectors and the board's interrupts, rounded up
 *   to 48 as runtime-c's startup.c does, so empty images compare fairly), a Reset_Handler
 *   that copies .data, zeroes .bss and exits with main()'s value. Every unused vector exits
 *   with 101, the code a panic or fault has in Mote.
 * - Console: Stellaris UART0 (the board's console), polled; printing of strings, u32, i32,
 *   hex and bool, nothing else.
 * - Exit: semihosting SYS_EXIT_EXTENDED, which ends QEMU with the code.
 * - Tasks, for a program that defines EXPERT_TASKS (how many): one step function per task,
 *   a ready bitmask swept in a loop, WFI when nothing is ready. Task 0 is main and starts
 *   ready; the others start when something wakes them (spawn). A task that waits re-checks
 *   what it waits for when stepped, so a spurious wake-up costs a step, never correctness:
 *   that lets a channel wake the task on its other side without asking whether it waits.
 * - Time, for a program that also defines EXPERT_TICK_US: SysTick interrupts every that
 *   many microseconds and counts ticks; a task sleeps by recording its wake-up tick.
 * - Channels: a ring buffer per channel (capacity a power of two), and a signal (one value,
 *   overwritten by the next raise) as a value and a flag.
 */
#ifndef EXPERT_H
#define EXPERT_H

#include <stdbool.h>
#include <stdint.h>

#define HELPER static __attribute__((unused))
/* The printing helpers stay out of line, as in a console library of their own: -Os inlines
 * them, loop and all, into call sites with constant arguments, which grows a program that
 * prints a lot. */
#define PRINTER static __attribute__((unused, noinline))

/* ---- exit: semihosting SYS_EXIT_EXTENDED (a full exit status, unlike SYS_EXIT on AArch32) ---- */

#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define FAULT_EXIT_CODE 101

static _Noreturn void exit_program(int32_t code)
{
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    register uint32_t r0 __asm__("r0") = SYS_EXIT_EXTENDED;
    register const uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;) {
    }
}

/* ---- console: Stellaris UART0; QEMU's model needs no set-up ---- */

#define UART0_DR (*(volatile uint32_t *)0x4000C000u)
#define UART0_FR (*(volatile uint32_t *)0x4000C018u)
#define UART_FR_TXFF (1u << 5) /* transmit FIFO full */

static void put_char(char c)
{
    while (UART0_FR & UART_FR_TXFF) {
    }
    UART0_DR = (uint8_t)c;
}

PRINTER void print(const char *s)
{
    while (*s)
        put_char(*s++);
}

PRINTER void print_u32(uint32_t v)
{
    char digits[11]; /* 4294967295 and the terminator */
    char *p = &digits[10];
    *p = 0;
    do {
        *--p = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    print(p);
}

PRINTER void print_i32(int32_t v)
{
    if (v < 0)
        put_char('-');
    print_u32(v < 0 ? -(uint32_t)v : (uint32_t)v); /* unsigned negation: INT32_MIN too */
}

PRINTER void print_hex32(uint32_t v)
{
    char digits[9];
    char *p = &digits[8];
    *p = 0;
    do {
        *--p = "0123456789abcdef"[v & 15u];
        v >>= 4;
    } while (v != 0);
    print(p);
}

PRINTER void print_bool(bool b)
{
    print(b ? "true" : "false");
}

/* ---- tasks ---- */

#ifdef EXPERT_TASKS
static uint32_t ready; /* bit n: step task n */

#define WAKE(task) (ready |= 1u << (task))

#ifdef EXPERT_TICK_US
#define CLOCK_HZ 12000000u /* lm3s6965evb's core clock as QEMU models it */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_ENABLE_TICKINT_CORECLK 7u

static volatile uint32_t ticks;
static uint32_t sleeping; /* bit n: task n waits for wake_at[n] */
static uint32_t wake_at[EXPERT_TASKS];

void SysTick_Handler(void)
{
    ticks++;
}

/* At least `us` microseconds from now: the current tick has partly passed, so one more. */
HELPER void sleep_us(uint32_t task, uint32_t us)
{
    wake_at[task] = ticks + us / EXPERT_TICK_US + 1u;
    sleeping |= 1u << task;
}

#define ASLEEP(task) (sleeping & 1u << (task))

/* After each sweep: wakes the tasks whose time has come, then sleeps if none is ready. With
 * interrupts masked, so a tick between the check and WFI still wakes the core (it stays
 * pending); checked on every sweep, so tasks that keep each other busy cannot starve a timer. */
static void wait_for_work(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    uint32_t now = ticks;
    for (uint32_t t = 0; t < EXPERT_TASKS; t++) {
        if ((sleeping & 1u << t) && (int32_t)(now - wake_at[t]) >= 0) {
            sleeping &= ~(1u << t);
            WAKE(t);
        }
    }
    if (ready == 0)
        __asm__ volatile("wfi");
    __asm__ volatile("cpsie i" ::: "memory");
}
#else
/* Only tasks wake tasks: with none ready the program is stuck, and waits for nothing. */
static void wait_for_work(void)
{
    if (ready == 0)
        __asm__ volatile("wfi");
}
#endif

static _Noreturn void run_tasks(void (*const steps[EXPERT_TASKS])(void))
{
#ifdef EXPERT_TICK_US
    SYST_RVR = CLOCK_HZ / 1000000u * EXPERT_TICK_US - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_ENABLE_TICKINT_CORECLK;
#endif
    ready = 1u; /* main */
    for (;;) {
        for (uint32_t t = 0; t < EXPERT_TASKS; t++) {
            if (ready & 1u << t) {
                ready &= ~(1u << t);
                steps[t]();
            }
        }
        wait_for_work();
    }
}
#endif

/* ---- channels ---- */

/* head and tail run freely and wrap at 256, a multiple of the power-of-two capacity. */
#define RING(type, capacity) struct { type item[capacity]; uint8_t head, tail; }
#define RING_CAPACITY(r) (sizeof (r).item / sizeof (r).item[0])
#define RING_EMPTY(r) ((r).head == (r).tail)
#define RING_FULL(r) ((uint8_t)((r).tail - (r).head) == RING_CAPACITY(r))
#define RING_PUT(r, v) ((r).item[(r).tail++ % RING_CAPACITY(r)] = (v))
#define RING_GET(r) ((r).item[(r).head++ % RING_CAPACITY(r)])

struct signal {
    uint32_t value;
    bool raised;
};

#ifdef EXPERT_TASKS
HELPER void raise_signal(struct signal *s, uint32_t value, uint32_t waiter)
{
    s->value = value;
    s->raised = true;
    WAKE(waiter);
}
#endif

/* ---- startup ---- */

extern uint32_t _stack_top, _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);

void Reset_Handler(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;)
        *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    exit_program(main());
}

void Default_Handler(void)
{
    exit_program(FAULT_EXIT_CODE);
}

#ifndef EXPERT_TICK_US
#define SysTick_Handler Default_Handler
#endif

#define D Default_Handler
#define D8 D, D, D, D, D, D, D, D

__attribute__((section(".vectors"), used))
static void (*const vector_table[16 + 48])(void) = {
    (void (*)(void))&_stack_top, Reset_Handler,
    D, D, D, D, D,           /* NMI, HardFault, MemManage, BusFault, UsageFault */
    0, 0, 0, 0,
    D, D,                    /* SVCall, DebugMonitor */
    0,
    D, SysTick_Handler,      /* PendSV, SysTick */
    D8, D8, D8, D8, D8, D8,  /* the board's 44 interrupts, in blocks of eight */
};

#undef D
#undef D8

#endif

/*
 * mote_systick.h: SysTick's registers and the cycle arithmetic that timer.c (the timer queue,
 * one timer at a time) and timer_task.c (one timer per task) share. A program links one of
 * the two files, whichever its sleeps call, and with it that file's SysTick_Handler.
 */
#ifndef MOTE_SYSTICK_H
#define MOTE_SYSTICK_H

#include "mote_rt.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define ICSR_PENDSTCLR (1u << 25)
#define CSR_ENABLE_TICKINT_CORE 7u
#define MAX_PERIOD (1u << 24)

#ifndef MOTE_CLOCK_HZ
#error "MOTE_CLOCK_HZ (the core clock) must be defined"
#endif

static inline uint64_t us_to_cycles(uint64_t us)
{
#if MOTE_CLOCK_HZ % 1000000u == 0
    return us * (MOTE_CLOCK_HZ / 1000000u);
#else
    return us * MOTE_CLOCK_HZ / 1000000u;
#endif
}

/* Counts a new period of `cycles` (2 at least: LOAD 0 stops the counter) from the next cycle,
 * dropping a wrap of the old period that is pending (the caller has counted it). */
static inline void systick_restart(uint32_t cycles)
{
    SYST_RVR = cycles - 1u;
    SYST_CVR = 0;              /* reloads from RVR on the next cycle */
    SCB_ICSR = ICSR_PENDSTCLR;
}

#endif

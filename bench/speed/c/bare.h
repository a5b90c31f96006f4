/* The expert C side of SpeedBench: what each case's own minimal executor needs from the
 * machine, with no runtime-c. bare.c supplies the vector table, the reset entry and the exit;
 * a case defines run() (its executor loop) and the handlers it uses. */
#ifndef SPEED_BARE_H
#define SPEED_BARE_H
#include <stdbool.h>
#include <stdint.h>

#define REG(address) (*(volatile uint32_t *)(address))

/* How many events to run: SpeedBench runs each image with N and with 2N here (QEMU's loader
 * device writes the word before the program starts), as for the Mote programs. */
#define ROUNDS REG(0x2000FFF0u)

/* Timer0 of the LM3S6965 (QEMU models its 32-bit periodic mode on virtual time). */
#define TIMER0_CFG REG(0x40030000u)
#define TIMER0_TAMR REG(0x40030004u)
#define TIMER0_CTL REG(0x4003000Cu)
#define TIMER0_IMR REG(0x40030018u)
#define TIMER0_ICR REG(0x40030024u)
#define TIMER0_TAILR REG(0x40030028u)
#define NVIC_ISER0 REG(0xE000E100u)
#define TIMER0A_IRQ 19u

#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)

void run(void);                     /* the case: never returns but through bare_exit */
_Noreturn void bare_exit(int32_t code);
void SysTick_Handler(void);         /* weak in bare.c: a case defines the ones it uses */
void Timer0A_Handler(void);

/* Starts Timer0A firing every `cycles` core cycles. */
static inline void timer0a_start_periodic(uint32_t cycles)
{
    TIMER0_CFG = 0;        /* one 32-bit timer */
    TIMER0_TAMR = 2;       /* periodic */
    TIMER0_TAILR = cycles - 1u;
    TIMER0_IMR = 1;        /* interrupt on time-out */
    NVIC_ISER0 = 1u << TIMER0A_IRQ;
    TIMER0_CTL = 1;
}

#define irq_disable() __asm__ volatile("cpsid i" ::: "memory")
#define irq_enable() __asm__ volatile("cpsie i" ::: "memory")
#define wait_for_interrupt() __asm__ volatile("wfi" ::: "memory")
#endif

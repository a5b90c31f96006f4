/* Vector table, reset and semihosting exit for the expert C cases of SpeedBench (bare.h). */
#include "bare.h"

extern uint32_t _stack_top, _sidata, _sdata, _edata, _sbss, _ebss;

void Reset_Handler(void);

static void unexpected(void)
{
    bare_exit(101);
}

void SysTick_Handler(void) __attribute__((weak, alias("unexpected")));
void Timer0A_Handler(void) __attribute__((weak, alias("unexpected")));

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used))
const vector_t bare_vectors[16 + TIMER0A_IRQ + 1] = {
    [0] = (vector_t)&_stack_top,
    [1] = Reset_Handler,
    [2 ... 14] = unexpected,
    [15] = SysTick_Handler,
    [16 ... 16 + TIMER0A_IRQ - 1] = unexpected,
    [16 + TIMER0A_IRQ] = Timer0A_Handler,
};

void Reset_Handler(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;)
        *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    run();
    bare_exit(0);
}

_Noreturn void bare_exit(int32_t code)
{
    /* Semihosting SYS_EXIT_EXTENDED: QEMU exits with `code`. */
    const uint32_t block[2] = {0x20026u, (uint32_t)code};
    register uint32_t r0 __asm__("r0") = 0x20u;
    register const uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;)
        wait_for_interrupt();
}

/*
 * startup.c: the vector table and Reset_Handler.
 *
 * The linker script puts `.vectors` first in flash and defines _stack_bottom
 * and _stack_top (the stack is first in RAM, so an overflow runs off the start
 * of RAM and faults), _sidata/_sdata/_edata (.data load and run addresses) and
 * _sbss/_ebss.
 * Interrupt N's handler is `mote_irq_N`: a weak alias of the default handler
 * that a program overrides by defining a strong symbol of that name.
 */
#include "mote_rt.h"

#ifndef MOTE_IRQ_COUNT
#define MOTE_IRQ_COUNT 32
#endif

extern uint32_t _stack_bottom, _stack_top;
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;

void Reset_Handler(void);
void mote_default_handler(void);
void mote_fault(uint32_t sp, uint32_t exc_return);

/* v6-M has no NVIC active bits: a program with interrupt handlers keeps them here in the
 * same layout (each mote_irq_N sets its bit while it runs; mote.llvm.LlvmCodegen); absent
 * (address 0) in a program without. */
extern uint32_t mote_active_irqs[8] __attribute__((weak));
#define NVIC_ACTIVE_BITS 0xe000e300u
/* Unhandled exception or interrupt. r0 is the stacked frame (Mote runs on MSP only), r1
 * the EXC_RETURN value (bit 3 clear: the fault interrupted a handler, not a task). When SP
 * ran off the start of RAM (a stack overflow), report from a fresh stack: the frame is
 * lost, so r0 is zero, or on cores that have them the NVIC's active bits (IABR0-7: eight
 * words, as many as a frame), which name the interrupt handler that ran off; otherwise stay
 * below the frame, which a fresh stack would overwrite when the fault was shallow. */
__attribute__((naked)) void mote_default_handler(void)
{
    __asm__ volatile("mrs r0, msp\n\t"
                     "mov r1, lr\n\t"
                     "ldr r2, =_stack_bottom\n\t"
                     "cmp r0, r2\n\t"
                     "bhs 1f\n\t"
                     "ldr r2, =_stack_top\n\t"
                     "mov sp, r2\n\t"
#if defined(__ARM_ARCH_6M__)
                     "ldr r0, =mote_active_irqs\n"   /* no frame: the active interrupts the program tracks, or 0 */
#else
                     "ldr r0, =0xe000e300\n"   /* NVIC_IABR0: no frame, the active interrupts */
#endif
                     "1:\n\t"
                     "b mote_fault\n\t"
                     ".ltorg");
}

/* Words of a fault report: each a space and eight hex digits. Its own digit loop, not
 * mote_print_hex32: that one's table and buffer are not in every image. */
__attribute__((minsize, noinline)) static void fault_words(const volatile uint32_t *w, uint32_t n)
{
    for (const volatile uint32_t *end = w + n; w != end;) {
        uint32_t v = *w++;
        mote_console_putc(' ');
        for (uint32_t i = 8; i != 0; i--, v <<= 4) {
            uint32_t d = v >> 28;
            mote_console_putc((uint8_t)(d + (d < 10u ? '0' : 'a' - 10u)));
        }
    }
}

#define SCB_CFSR ((volatile uint32_t *)0xE000ED28u)   /* then HFSR, DFSR, MMFAR, BFAR */

/* How many stack words above the frame the report adds, for the host's backtrace: the
 * program defines it (--debug builds: 32; else 0, and the optimiser drops the dump); weak,
 * so C programs linking runtime-c need not. */
extern const uint32_t mote_fault_stack_words __attribute__((weak));

/* The fault report, one line the host decodes with the ELF (mote run, mote monitor;
 * docs/debugging.md): `fault:` then, in hex, the vector number, EXC_RETURN, the task
 * being polled and SP (zero when it ran off the start of RAM: a stack overflow, and the
 * stacked frame is lost; 0xe000e300 on v7-M and v8-M, whose NVIC active bits replace the
 * frame); then, unless zero, the stacked R0-R3, R12, LR, PC and xPSR, and on cores that
 * have them (not v6-M) CFSR, HFSR, DFSR, MMFAR and BFAR. Exit code 102. In every image
 * (every vector table points here): written for size, and without the --panic=task
 * hook (a fault is not a task's panic). */
__attribute__((minsize)) void mote_fault(uint32_t sp, uint32_t exc_return)
{
    __asm__ volatile("cpsid i" ::: "memory");   /* no handler may print over the report */
    uint32_t head[4];
    __asm__ volatile("mrs %0, ipsr" : "=r"(head[0]));
    head[1] = exc_return;
    head[2] = mote_task_current;
    head[3] = sp;
#if defined(__ARM_ARCH_6M__)
    if (sp != 0 && sp == (uint32_t)mote_active_irqs)
        head[3] = NVIC_ACTIVE_BITS;   /* reported as the NVIC's: the host reads the same words */
#endif
    mote_print_cstr("fault:");
    fault_words(head, 4);
    if (sp != 0) {
        fault_words((const uint32_t *)sp, 8);
#if !defined(__ARM_ARCH_6M__)
        fault_words(SCB_CFSR, 5);
#endif
        uint32_t n = &mote_fault_stack_words ? mote_fault_stack_words : 0u;
        if (n != 0 && head[3] != NVIC_ACTIVE_BITS) {   /* a stack, not the active bits */
            const uint32_t *above = (const uint32_t *)sp + 8;
            uint32_t room = (uint32_t)(&_stack_top - above);
            mote_console_putc(' ');
            mote_console_putc('|');
            fault_words(above, n < room ? n : room);
        }
    }
    mote_console_putc('\n');
    mote_exit(MOTE_FAULT_EXIT_CODE);
}

/* The default handler of an image without a fault report: its program has no `register`, no
 * `interrupt` handler and no recursion (mote.mir.FaultSources), so what makes most programs
 * fault (hardware access, an interrupt without a handler, a stack the build cannot bound) is
 * not in it. mote.llvm.WholeProgram puts this one in the vector table instead of the reporting
 * handler above, under the same name: some 200 bytes less flash. It exits with 102 as a
 * reported fault does, from a fresh stack (after an overflow SP is below RAM, and the exit's
 * semihosting block would fault again). A debugger still reads the whole report from the core
 * here at the first instruction, where SP is the stacked frame and LR EXC_RETURN (mote
 * monitor's gdb path, qemu/gdbinit). */
#define ASM_NUMBER(n) ASM_DIGITS(n)
#define ASM_DIGITS(n) #n
__attribute__((naked)) void mote_default_exit(void)
{
    __asm__ volatile("ldr r0, =_stack_top\n\t"
                     "mov sp, r0\n\t"
                     "movs r0, #" ASM_NUMBER(MOTE_FAULT_EXIT_CODE) "\n\t"
                     "ldr r1, =mote_exit\n\t"   /* v6-M's b reaches only 2 KB */
                     "bx r1\n\t"
                     ".ltorg");
}

/* After a panic's line in --backtrace builds (panic.c): where it happened, for the host's
 * backtrace (mote.decode): `backtrace:` then, in hex, IPSR (an interrupt handler panicked,
 * or the executor), the task being polled, and from the first panic function entered (the
 * one Mote code called; they do not return, so they keep no return address) an address in
 * it, SP there and its LR, then the return address of the fn that called it; then ` |` and
 * the stack words from that SP up. The host walks them
 * to the Mote fn that panicked and its callers with the ELF's call frame information, as it
 * does a fault's (--backtrace also sets mote_fault_stack_words). Other builds never call it. */
__attribute__((minsize, noinline)) void mote_panic_trace(void)
{
    uint32_t head[2];
    __asm__ volatile("mrs %0, ipsr" : "=r"(head[0]));
    head[1] = mote_task_current;
    mote_print_cstr("backtrace:");
    fault_words(head, 2);
    fault_words(mote_panic_from, 4);
    const uint32_t *sp = (const uint32_t *)mote_panic_from[1];
    uint32_t n = &mote_fault_stack_words ? mote_fault_stack_words : 0u, room = (uint32_t)(&_stack_top - sp);
    mote_console_putc(' ');
    mote_console_putc('|');
    fault_words(sp, n < room ? n : room);
    mote_console_putc('\n');
    mote_panic_from[2] = 0;   /* --panic=task: the next panic notes its own entry */
}

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("mote_default_handler")));
WEAK_HANDLER(NMI_Handler)
WEAK_HANDLER(HardFault_Handler)
WEAK_HANDLER(MemManage_Handler)
WEAK_HANDLER(BusFault_Handler)
WEAK_HANDLER(UsageFault_Handler)
WEAK_HANDLER(SVC_Handler)
WEAK_HANDLER(DebugMon_Handler)
WEAK_HANDLER(PendSV_Handler)
WEAK_HANDLER(SysTick_Handler)

/* Interrupt handlers come in blocks of eight so the table can be sized by a
 * preprocessor constant; MOTE_IRQ_COUNT is rounded up to a multiple of 8. */
#define IRQ(n) WEAK_HANDLER(mote_irq_##n)
#define IRQ_BLOCK(a, b, c, d, e, f, g, h) IRQ(a) IRQ(b) IRQ(c) IRQ(d) IRQ(e) IRQ(f) IRQ(g) IRQ(h)
#define IRQ_ENTRIES(a, b, c, d, e, f, g, h) \
    mote_irq_##a, mote_irq_##b, mote_irq_##c, mote_irq_##d, \
    mote_irq_##e, mote_irq_##f, mote_irq_##g, mote_irq_##h,

#define ALL_IRQ_BLOCKS(X) \
    X(0, 1, 2, 3, 4, 5, 6, 7) X(8, 9, 10, 11, 12, 13, 14, 15) \
    X(16, 17, 18, 19, 20, 21, 22, 23) X(24, 25, 26, 27, 28, 29, 30, 31) \
    X(32, 33, 34, 35, 36, 37, 38, 39) X(40, 41, 42, 43, 44, 45, 46, 47) \
    X(48, 49, 50, 51, 52, 53, 54, 55) X(56, 57, 58, 59, 60, 61, 62, 63) \
    X(64, 65, 66, 67, 68, 69, 70, 71) X(72, 73, 74, 75, 76, 77, 78, 79) \
    X(80, 81, 82, 83, 84, 85, 86, 87) X(88, 89, 90, 91, 92, 93, 94, 95) \
    X(96, 97, 98, 99, 100, 101, 102, 103) X(104, 105, 106, 107, 108, 109, 110, 111) \
    X(112, 113, 114, 115, 116, 117, 118, 119) X(120, 121, 122, 123, 124, 125, 126, 127)
ALL_IRQ_BLOCKS(IRQ_BLOCK)

#if MOTE_IRQ_COUNT > 128
#error "MOTE_IRQ_COUNT above 128: extend ALL_IRQ_BLOCKS in startup.c"
#endif

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used))
const vector_t mote_vector_table[] = {
    (vector_t)&_stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0, 0, 0, 0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
#if MOTE_IRQ_COUNT > 0
    IRQ_ENTRIES(0, 1, 2, 3, 4, 5, 6, 7)
#endif
#if MOTE_IRQ_COUNT > 8
    IRQ_ENTRIES(8, 9, 10, 11, 12, 13, 14, 15)
#endif
#if MOTE_IRQ_COUNT > 16
    IRQ_ENTRIES(16, 17, 18, 19, 20, 21, 22, 23)
#endif
#if MOTE_IRQ_COUNT > 24
    IRQ_ENTRIES(24, 25, 26, 27, 28, 29, 30, 31)
#endif
#if MOTE_IRQ_COUNT > 32
    IRQ_ENTRIES(32, 33, 34, 35, 36, 37, 38, 39)
#endif
#if MOTE_IRQ_COUNT > 40
    IRQ_ENTRIES(40, 41, 42, 43, 44, 45, 46, 47)
#endif
#if MOTE_IRQ_COUNT > 48
    IRQ_ENTRIES(48, 49, 50, 51, 52, 53, 54, 55)
#endif
#if MOTE_IRQ_COUNT > 56
    IRQ_ENTRIES(56, 57, 58, 59, 60, 61, 62, 63)
#endif
#if MOTE_IRQ_COUNT > 64
    IRQ_ENTRIES(64, 65, 66, 67, 68, 69, 70, 71)
#endif
#if MOTE_IRQ_COUNT > 72
    IRQ_ENTRIES(72, 73, 74, 75, 76, 77, 78, 79)
#endif
#if MOTE_IRQ_COUNT > 80
    IRQ_ENTRIES(80, 81, 82, 83, 84, 85, 86, 87)
#endif
#if MOTE_IRQ_COUNT > 88
    IRQ_ENTRIES(88, 89, 90, 91, 92, 93, 94, 95)
#endif
#if MOTE_IRQ_COUNT > 96
    IRQ_ENTRIES(96, 97, 98, 99, 100, 101, 102, 103)
#endif
#if MOTE_IRQ_COUNT > 104
    IRQ_ENTRIES(104, 105, 106, 107, 108, 109, 110, 111)
#endif
#if MOTE_IRQ_COUNT > 112
    IRQ_ENTRIES(112, 113, 114, 115, 116, 117, 118, 119)
#endif
#if MOTE_IRQ_COUNT > 120
    IRQ_ENTRIES(120, 121, 122, 123, 124, 125, 126, 127)
#endif
};

/* The board file's `console.init` writes (MOTE_CONSOLE_INIT): bus clocks and
 * pin routing the console UART needs on real hardware. */
static void board_init(void)
{
#ifdef MOTE_CONSOLE_INIT
    static const struct { uint32_t address, clear, set; } writes[] = {MOTE_CONSOLE_INIT};
    for (uint32_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        volatile uint32_t *reg = (volatile uint32_t *)writes[i].address;
        *reg = (*reg & ~writes[i].clear) | writes[i].set;
    }
    (void)*(volatile uint32_t *)writes[0].address; /* read back: the clock is on before the UART is touched */
#endif
}

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define CPACR_CP10_CP11_FULL (0xFu << 20)

/* Whether any variable starts with a value other than zero, i.e. .data has something to copy.
 * A whole-program build decides (mote.llvm.WholeProgram sets this weak definition), and where
 * nothing does (most Mote programs: their statics start at zero or are constants) the copy
 * loop folds away. Compiled as a library, runtime-c always copies. */
#ifdef MOTE_WHOLE_PROGRAM
__attribute__((weak)) const bool mote_image_has_data = true;
#else
#define mote_image_has_data true
#endif

__attribute__((minsize)) void Reset_Handler(void)   /* runs once: size over speed */
{
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    /* Built for an FPU (e.g. -mfloat-abi=hard on a Cortex-M4F) or for Helium (MVE on a
     * Cortex-M55, which LLVM uses for block copies even in soft-float builds): grant access
     * to CP10/CP11 before any such instruction can run, or it faults (NOCP UsageFault). */
    SCB_CPACR |= CPACR_CP10_CP11_FULL;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    /* Plain loops, not memcpy/memset: nothing may rely on .data or .bss yet. .bss follows
     * .data, with at most its alignment's padding between them (the linker script asserts
     * it), so one pointer walks both and zeroes the padding too. */
    uint32_t *dst = &_sdata;
    if (mote_image_has_data)
        for (uint32_t *src = &_sidata; dst < &_edata;)
            *dst++ = *src++;
    for (; dst < &_ebss;)
        *dst++ = 0;

    board_init();
    mote_console_init();
    mote_executor_run();
}

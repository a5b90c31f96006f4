/*
 * Stellaris (TI LM3S) UART, e.g. UART0 of lm3s6965evb at 0x4000C000.
 * QEMU's model transmits immediately and needs no baud-rate setup.
 */
#include "mote_rt.h"

#ifdef MOTE_CONSOLE_STELLARIS_UART

#define UART_DR (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x00u))
#define UART_FR (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x18u))
#define UART_FR_TXFF (1u << 5) /* transmit FIFO full */

void mote_console_init(void) {}

void mote_console_putc(uint8_t c)
{
    while (UART_FR & UART_FR_TXFF) {
    }
    UART_DR = c;
}

#endif

/*
 * ARM CMSDK APB UART, e.g. UART0 of the MPS2 boards at 0x40004000.
 */
#include "mote_rt.h"

#ifdef MOTE_CONSOLE_CMSDK_UART

#define UART_DATA    (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x00u))
#define UART_STATE   (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x04u))
#define UART_CTRL    (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x10u))
#define UART_STATE_TX_FULL (1u << 0)
#define UART_CTRL_TX_ENABLE (1u << 0)

void mote_console_init(void)
{
    UART_BAUDDIV = 16; /* the smallest divisor the UART accepts */
    UART_CTRL = UART_CTRL_TX_ENABLE;
}

void mote_console_putc(uint8_t c)
{
    while (UART_STATE & UART_STATE_TX_FULL) {
    }
    UART_DATA = c;
}

#endif

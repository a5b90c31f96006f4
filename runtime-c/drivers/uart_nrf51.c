/*
 * Nordic nRF51 UART (also the legacy UART0 of the nRF52 series, same
 * registers), e.g. at 0x40002000 on the BBC micro:bit and the nRF52840.
 *
 * Transmit: ENABLE=4, TASKS_STARTTX, then per byte write TXD and wait for
 * EVENTS_TXDRDY (clearing it). QEMU's microbit model needs nothing else; on a
 * real chip the TX pin must be selected (PSELTXD): the board file's
 * `console.tx-pin` becomes MOTE_CONSOLE_TX_PIN.
 */
#include "mote_rt.h"

#ifdef MOTE_CONSOLE_NRF51_UART

#define UART_TASKS_STARTTX (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x008u))
#define UART_EVENTS_TXDRDY (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x11Cu))
#define UART_ENABLE        (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x500u))
#define UART_PSELTXD       (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x50Cu))
#define UART_TXD           (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x51Cu))
#define UART_BAUDRATE      (*(volatile uint32_t *)(MOTE_CONSOLE_BASE + 0x524u))
#define UART_ENABLE_ENABLED 4u
#define UART_BAUDRATE_115200 0x01D7E000u

void mote_console_init(void)
{
#ifdef MOTE_CONSOLE_TX_PIN
    UART_PSELTXD = MOTE_CONSOLE_TX_PIN;
#endif
    UART_BAUDRATE = UART_BAUDRATE_115200;
    UART_ENABLE = UART_ENABLE_ENABLED;
    UART_TASKS_STARTTX = 1u;
}

void mote_console_putc(uint8_t c)
{
    UART_EVENTS_TXDRDY = 0u;
    UART_TXD = c;
    while (UART_EVENTS_TXDRDY == 0u) {
    }
    UART_EVENTS_TXDRDY = 0u;
}

#endif

/*
 * log.c: interned logging (--log interned). A print statement's text lives in the ELF's
 * non-loaded .mote_log section, not in flash; the device sends a frame instead: 0xFF, the
 * format's index as a varint, then each value: unsigned ones as varints (LEB128), signed
 * ones zigzag-encoded first, bools as one byte, byte slices as a varint length and the bytes.
 * The host (mote run, mote monitor) prints what the text build would have printed. 0xFF
 * never occurs in UTF-8 text, so frames and text can share the console.
 */
#include "mote_rt.h"

MOTE_CONSOLE_CODE_BEGIN

#define MOTE_LOG_FRAME 0xFFu

void mote_log_varint(uint32_t v)
{
    while (v >= 0x80u) {
        mote_console_putc((uint8_t)(v | 0x80u));
        v >>= 7;
    }
    mote_console_putc((uint8_t)v);
}

void mote_log_frame(uint32_t index)
{
    mote_console_putc(MOTE_LOG_FRAME);
    mote_log_varint(index);
}

void mote_log_zigzag(int32_t v)
{
    mote_log_varint(((uint32_t)v << 1) ^ (uint32_t)(v >> 31));
}

void mote_log_varint64(uint64_t v)
{
    while (v >= 0x80u) {
        mote_console_putc((uint8_t)(v | 0x80u));
        v >>= 7;
    }
    mote_console_putc((uint8_t)v);
}

void mote_log_zigzag64(int64_t v)
{
    mote_log_varint64(((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void mote_log_bytes(const uint8_t *p, uint32_t len)
{
    mote_log_varint(len);
    mote_print_str(p, len);
}

MOTE_CONSOLE_CODE_END

//! examples/firmware.mote in Rust, the same bodies: a sensor node with a sampler, a logger,
//! a heartbeat/watchdog pair, a scripted "UART", a command console and a reporter, the
//! sensors reached through the layers a trait-style HAL produces.
#![no_std]
#![no_main]
#![feature(type_alias_impl_trait)] // the tasks' static slots (rt.rs)

#[path = "rt.rs"]
mod rt;
#[path = "timer.rs"]
mod timer;
use rt::{say, spawn, yield_now, Channel, Hex, Signal};
use timer::{sleep_ms, sleep_us};

const N_SENSORS: u32 = 4;
const SAMPLE_ROUNDS: u32 = 6;
const SAMPLE_PERIOD_MS: u32 = 1;
const BUS_BASE: u32 = 0x40;
const LINE_MAX: u32 = 24;
const MAX_ARGS: u32 = 2;
const END_OF_STREAM: u32 = 0xFF;

// Error codes carried by Reply::Error.
const ERR_UNKNOWN: u32 = 1;
const ERR_SYNTAX: u32 = 2;
const ERR_RANGE: u32 = 3;
const ERR_TOO_LONG: u32 = 4;

#[derive(Clone, Copy, PartialEq)]
enum Cmd { Ping, Read, Set, Stats, Wait, Reset, Status, Quit, Unknown }

#[derive(Clone, Copy, PartialEq)]
enum Reply { Pong, Value, Ack, StatLine, Waited, Cleared, Status, Error, Bye }

#[derive(Clone, Copy)]
struct Stats { count: u32, sum: u32, min: u32, max: u32 }

// One response from the command executor to the reporter.
#[derive(Clone, Copy)]
struct Event { kind: Reply, id: u32, a: u32, b: u32, c: u32 }

// One received command line.
struct Line { buf: [u8; 24], len: u32 }

// A parsed command line.
#[derive(Clone, Copy)]
struct Parsed { cmd: Cmd, argc: u32, args: [u32; 2], ok: bool }

static RX: Channel<u8, 8> = Channel::new();            // "UART" bytes -> console
static SAMPLES: Channel<u32, 4> = Channel::new();      // sampler -> logger: (sensor << 24) | value
static REPORT: Channel<Event, 4> = Channel::new();     // command executor -> reporter
static BEAT: Signal<u32> = Signal::new();              // heartbeat -> watchdog (0 = stop)
static SAMPLING_DONE: Signal<u32> = Signal::new();     // logger -> executor: number of samples
static WATCHDOG_DONE: Signal<u32> = Signal::new();     // watchdog -> main: (gaps << 16) | beats
static REPORT_DONE: Signal<u32> = Signal::new();       // reporter -> main: checksum of all responses

static mut GAIN: [u32; 4] = [1, 1, 1, 1];
static mut STATS: [Stats; 4] = [Stats { count: 0, sum: 0, min: 0xFFFF_FFFF, max: 0 }; 4];
static mut BUS_READS: u32 = 0;
static mut BUS_WRITES: u32 = 0;
static mut RUNNING: bool = true;
static mut COMMANDS: u32 = 0;
static mut ERRORS: u32 = 0;

// The tasks, in the executor's order (main is 0).
const HEARTBEAT: u32 = 1;
const WATCHDOG: u32 = 2;
const LOGGER: u32 = 3;
const SAMPLER: u32 = 4;
const REPORTER: u32 = 5;
const CONSOLE: u32 = 6;
const UART_RX: u32 = 7;

// ---------------------------------------------------------------- the sensor "hardware"

// A triangle wave per channel, on a channel-dependent base: no dependency on time.
fn waveform(addr: u32, seq: u32) -> u32 {
    let ch = addr - BUS_BASE;
    let base = 200 + ch * 100;
    let phase = (seq * 7 + ch * 3) % 16;
    let tri = if phase < 8 { phase } else { 16 - phase };
    base + tri * (ch + 1) * 5
}

// A conversion takes time: start the ADC, wait for it, read the result.
async fn sample(addr: u32, seq: u32) -> u32 {
    sleep_us(50).await;
    unsafe { BUS_READS += 1 };
    waveform(addr, seq)
}

// Register writes go out over a slow bus: give the other tasks a turn.
async fn program_register(addr: u32, value: u32) {
    yield_now().await;
    unsafe {
        BUS_WRITES += 1;
        GAIN[(addr - BUS_BASE) as usize] = value;
    }
}

// ------------------------------------------- the layers a trait-style HAL produces

async fn driver_read(addr: u32, seq: u32) -> u32 {
    sample(addr, seq).await
}

async fn bus_read(addr: u32, seq: u32) -> u32 {
    driver_read(addr, seq).await
}

async fn hal_read(id: u32, seq: u32) -> u32 {
    bus_read(BUS_BASE + id, seq).await
}

async fn sensor_read(id: u32, seq: u32) -> u32 {
    hal_read(id, seq).await
}

async fn driver_write(addr: u32, value: u32) {
    program_register(addr, value).await
}

async fn bus_write(addr: u32, value: u32) {
    driver_write(addr, value).await
}

async fn hal_write(id: u32, value: u32) {
    bus_write(BUS_BASE + id, value).await
}

async fn sensor_configure(id: u32, gain: u32) {
    hal_write(id, gain).await
}

// ---------------------------------------------------------------- sampling and logging

async fn sampler(rounds: u32) {
    for round in 0..rounds {
        sleep_ms(SAMPLE_PERIOD_MS).await;
        for id in 0..N_SENSORS {
            let v = sensor_read(id, round).await;
            SAMPLES.send((id << 24) | v).await;
        }
    }
    SAMPLES.send(END_OF_STREAM << 24).await;
}

fn record(s: &mut Stats, v: u32) {
    s.count += 1;
    s.sum += v;
    if v < s.min { s.min = v; }
    if v > s.max { s.max = v; }
}

fn clear(s: &mut Stats) {
    s.count = 0;
    s.sum = 0;
    s.min = 0xFFFF_FFFF;
    s.max = 0;
}

async fn logger() {
    let mut total: u32 = 0;
    loop {
        let word = SAMPLES.recv().await;
        let id = word >> 24;
        if id == END_OF_STREAM { break; }
        record(unsafe { &mut *(&raw mut STATS[id as usize]) }, word & 0xFF_FFFF);
        total += 1;
    }
    SAMPLING_DONE.raise(total);
}

// ---------------------------------------------------------------- heartbeat and watchdog

async fn heartbeat() {
    let mut beat: u32 = 0;
    while unsafe { RUNNING } {
        sleep_ms(1).await;
        beat += 1;
        BEAT.raise(beat);
    }
    BEAT.raise(0);
}

async fn watchdog() {
    let mut last: u32 = 0;
    let mut gaps: u32 = 0;
    loop {
        let b = BEAT.wait().await;
        if b == 0 { break; }
        if b != last + 1 { gaps += 1; }
        last = b;
    }
    let beats = if last > 0xFFFF { 0xFFFF } else { last };
    WATCHDOG_DONE.raise((gaps << 16) | beats);
}

// ---------------------------------------------------------------- the serial line

fn script() -> &'static [u8] {
    b"ping\nREAD 2\nSET 1 3\nread 1\nSET 9 1\nFROB 4\nREAD\nREAD 0x3 7\nread 0x3\nWAIT\nSTATS 0\nstats 3\nRESET 0\nSTATS 0\nSTATUS\nthis line is much too long for the buffer\n\nPING\nQUIT\nPING\n"
}

// Stands in for the UART receive interrupt: the host types one line at a time.
async fn uart_rx() {
    let text = script();
    let mut i: u32 = 0;
    while (i as usize) < text.len() {
        let b = text[i as usize];
        RX.send(b).await;
        if b == b'\n' { sleep_us(300).await; }
        i += 1;
    }
}

// Reads one line without its '\n'. Bytes past LINE_MAX are dropped; false then.
async fn read_line(line: &mut Line) -> bool {
    line.len = 0;
    let mut overflow = false;
    loop {
        let b = RX.recv().await;
        if b == b'\n' { break; }
        if b == b'\r' { continue; }
        if line.len < LINE_MAX {
            line.buf[line.len as usize] = b;
            line.len += 1;
        } else {
            overflow = true;
        }
    }
    !overflow
}

// ---------------------------------------------------------------- parsing

fn is_space(b: u8) -> bool { b == b' ' || b == b'\t' }

fn upper(b: u8) -> u8 { if b >= b'a' && b <= b'z' { b - 32 } else { b } }

fn word_is(line: &Line, start: u32, end: u32, kw: &[u8]) -> bool {
    if (end - start) as usize != kw.len() { return false; }
    let mut i: u32 = 0;
    while (i as usize) < kw.len() {
        if upper(line.buf[(start + i) as usize]) != kw[i as usize] { return false; }
        i += 1;
    }
    true
}

fn keyword(line: &Line, start: u32, end: u32) -> Cmd {
    if word_is(line, start, end, b"PING") { Cmd::Ping }
    else if word_is(line, start, end, b"READ") { Cmd::Read }
    else if word_is(line, start, end, b"SET") { Cmd::Set }
    else if word_is(line, start, end, b"STATS") { Cmd::Stats }
    else if word_is(line, start, end, b"WAIT") { Cmd::Wait }
    else if word_is(line, start, end, b"RESET") { Cmd::Reset }
    else if word_is(line, start, end, b"STATUS") { Cmd::Status }
    else if word_is(line, start, end, b"QUIT") { Cmd::Quit }
    else { Cmd::Unknown }
}

fn digit_value(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => (b - b'0') as u32,
        b'a'..=b'f' => (b - b'a') as u32 + 10,
        b'A'..=b'F' => (b - b'A') as u32 + 10,
        _ => 99,
    }
}

// Decimal, or hex with a 0x prefix; false on a bad digit or an empty number.
fn parse_number(line: &Line, start: u32, end: u32, out: &mut u32) -> bool {
    let mut i = start;
    let mut radix: u32 = 10;
    if end - start > 2 && line.buf[i as usize] == b'0' && upper(line.buf[(i + 1) as usize]) == b'X' {
        radix = 16;
        i += 2;
    }
    let mut v: u32 = 0;
    while i < end {
        let d = digit_value(line.buf[i as usize]);
        if d >= radix { return false; }
        v = v * radix + d;
        i += 1;
    }
    *out = v;
    true
}

fn parse(line: &Line) -> Parsed {
    let mut p = Parsed { cmd: Cmd::Unknown, argc: 0, args: [0; 2], ok: true };
    let mut i: u32 = 0;
    let mut word: u32 = 0;
    while i < line.len {
        while i < line.len && is_space(line.buf[i as usize]) { i += 1; }
        if i == line.len { break; }
        let start = i;
        while i < line.len && !is_space(line.buf[i as usize]) { i += 1; }
        if word == 0 {
            p.cmd = keyword(line, start, i);
        } else if word <= MAX_ARGS {
            let mut v: u32 = 0;
            if parse_number(line, start, i, &mut v) {
                p.args[(word - 1) as usize] = v;
                p.argc = word;
            } else {
                p.ok = false;
            }
        } else {
            p.ok = false;
        }
        word += 1;
    }
    p
}

fn arity(cmd: Cmd) -> u32 {
    match cmd {
        Cmd::Read | Cmd::Stats | Cmd::Reset => 1,
        Cmd::Set => 2,
        Cmd::Ping | Cmd::Wait | Cmd::Status | Cmd::Quit | Cmd::Unknown => 0,
    }
}

fn takes_sensor(cmd: Cmd) -> bool {
    match cmd {
        Cmd::Read | Cmd::Set | Cmd::Stats | Cmd::Reset => true,
        _ => false,
    }
}

// ---------------------------------------------------------------- executing commands

async fn report(kind: Reply, id: u32, a: u32, b: u32, c: u32) {
    REPORT.send(Event { kind, id, a, b, c }).await;
}

async fn read_sensor(id: u32, seq: u32) -> u32 {
    let raw = sensor_read(id, seq).await;
    raw * unsafe { GAIN[id as usize] }
}

// Returns false once the console should stop.
async fn execute(p: Parsed, seq: u32) -> bool {
    let id = p.args[0];
    match p.cmd {
        Cmd::Ping => report(Reply::Pong, 0, seq, 0, 0).await,
        Cmd::Read => {
            let v = read_sensor(id, seq).await;
            report(Reply::Value, id, v, unsafe { GAIN[id as usize] }, 0).await;
        }
        Cmd::Set => {
            sensor_configure(id, p.args[1]).await;
            report(Reply::Ack, id, unsafe { GAIN[id as usize] }, 0, 0).await;
        }
        Cmd::Stats => {
            let s = unsafe { STATS[id as usize] };
            let avg = if s.count == 0 { 0 } else { s.sum / s.count };
            let min = if s.count == 0 { 0 } else { s.min };
            report(Reply::StatLine, id, s.count, min, (s.max << 16) | avg).await;
        }
        Cmd::Wait => {
            let samples = SAMPLING_DONE.wait().await;
            report(Reply::Waited, 0, samples, 0, 0).await;
        }
        Cmd::Reset => {
            clear(unsafe { &mut *(&raw mut STATS[id as usize]) });
            report(Reply::Cleared, id, 0, 0, 0).await;
        }
        Cmd::Status => {
            let (commands, errors, reads) = unsafe { (COMMANDS, ERRORS, BUS_READS) };
            report(Reply::Status, 0, commands, errors, reads).await
        }
        Cmd::Quit => {
            report(Reply::Bye, 0, seq, 0, 0).await;
            return false;
        }
        Cmd::Unknown => unreachable!(),
    }
    true
}

async fn reject(seq: u32, code: u32) {
    unsafe { ERRORS += 1 };
    report(Reply::Error, seq, code, 0, 0).await;
}

async fn handle_command(line: &Line, seq: u32) -> bool {
    let p = parse(line);
    if p.cmd == Cmd::Unknown {
        reject(seq, ERR_UNKNOWN).await;
        return true;
    }
    if !p.ok || p.argc != arity(p.cmd) {
        reject(seq, ERR_SYNTAX).await;
        return true;
    }
    if takes_sensor(p.cmd) && p.args[0] >= N_SENSORS {
        reject(seq, ERR_RANGE).await;
        return true;
    }
    unsafe { COMMANDS += 1 };
    execute(p, seq).await
}

async fn console() {
    let mut line = Line { buf: [0; 24], len: 0 };
    let mut seq: u32 = 0;
    loop {
        let complete = read_line(&mut line).await;
        seq += 1;
        if !complete {
            reject(seq, ERR_TOO_LONG).await;
            continue;
        }
        if line.len == 0 { continue; }
        if !handle_command(&line, seq).await { break; }
    }
}

// ---------------------------------------------------------------- reporting

fn mix(h: u32, v: u32) -> u32 {
    ((h << 5) | (h >> 27)) ^ v
}

async fn reporter() {
    let mut checksum: u32 = 0;
    loop {
        let e = REPORT.recv().await;
        checksum = mix(mix(mix(mix(checksum, e.kind as u32), e.id), e.a), e.b ^ e.c);
        match e.kind {
            Reply::Pong => say!("pong #", e.a),
            Reply::Value => say!("sensor ", e.id, " = ", e.a, " (gain ", e.b, ")"),
            Reply::Ack => say!("sensor ", e.id, " gain set to ", e.a),
            Reply::StatLine => say!("sensor ", e.id, ": ", e.a, " samples, min ", e.b, ", max ", e.c >> 16, ", avg ", e.c & 0xFFFF),
            Reply::Waited => say!("sampling done: ", e.a, " samples"),
            Reply::Cleared => say!("sensor ", e.id, " statistics cleared"),
            Reply::Status => say!("status: ", e.a, " commands, ", e.b, " errors, ", e.c, " bus reads"),
            Reply::Error => say!("error ", e.a, " on line ", e.id),
            Reply::Bye => {
                say!("bye after line ", e.a);
                break;
            }
        }
    }
    REPORT_DONE.raise(checksum);
}

// ---------------------------------------------------------------- main

async fn main() -> i32 {
    say!("firmware: ", N_SENSORS, " sensors, ", SAMPLE_ROUNDS, " sampling rounds");
    spawn(HEARTBEAT);
    spawn(WATCHDOG);
    spawn(LOGGER);
    spawn(SAMPLER);
    spawn(REPORTER);
    spawn(CONSOLE);
    spawn(UART_RX);
    let checksum = REPORT_DONE.wait().await;
    unsafe { RUNNING = false };
    let wd = WATCHDOG_DONE.wait().await;
    say!("watchdog: ", wd >> 16, " gaps, alive ", (wd & 0xFFFF) >= SAMPLE_ROUNDS);
    let (commands, errors, reads, writes) = unsafe { (COMMANDS, ERRORS, BUS_READS, BUS_WRITES) };
    say!("totals: ", commands, " commands, ", errors, " errors, ", reads, " reads, ", writes, " writes");
    say!("checksum ", Hex(checksum));
    (checksum % 251) as i32
}

rt::tasks!(
    main: main(),
    HEARTBEAT => heartbeat(),
    WATCHDOG => watchdog(),
    LOGGER => logger(),
    SAMPLER => sampler(SAMPLE_ROUNDS),
    REPORTER => reporter(),
    CONSOLE => console(),
    UART_RX => uart_rx(),
);

//! bench/empty.mote: the image every program's own flash is measured against.
#![no_std]
#![no_main]

#[path = "rt.rs"]
mod rt;

async fn main() -> i32 {
    0
}

fn start() -> ! {
    rt::run_tasks!(main: main())
}

package mote.testutil;

/**
 * A direct channel program the channel tests share: a producer sends four values on DATA (a
 * Channel<u32, N>) and raises DONE; main receives them and waits for DONE. One task waits on
 * each side of each channel, so its channels keep a task id per side instead of waiter lists
 * (mote.opt.DirectChannels).
 */
public final class ChannelPrograms {
    private ChannelPrograms() {}

    /**
     * The program with DATA's {@code capacity}, {@code items} declared before the producer, and
     * {@code inProducer} run after its sends.
     */
    public static String producerConsumer(int capacity, String items, String inProducer) {
        return """
                static DATA: Channel<u32, %d>;
                static DONE: Signal<u32>;

                %s
                task fn producer() {
                    for i in 0..4u32 { DATA.send(i).await; }
                    %s
                    DONE.raise(4);
                }

                async fn main() -> i32 {
                    spawn producer();
                    let mut sum = 0u32;
                    for _i in 0..4u32 { sum += DATA.recv().await; }
                    sum += DONE.wait().await;
                    sum as i32
                }
                """.formatted(capacity, items, inProducer);
    }
}

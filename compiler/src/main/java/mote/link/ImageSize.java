package mote.link;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import mote.board.Board;

/**
 * How much flash and RAM a linked image takes, by section.
 *
 * <p>Flash holds every allocated section with contents: the vector table, .text, .rodata and
 * the initial values of .data. RAM holds .data, .bss and the stack reserved for the board.
 * Allocated sections not named here (none with the generated linker script) are counted in
 * {@code otherFlash}/{@code otherRam} so the totals stay exact.
 */
public record ImageSize(long vectors, long text, long rodata, long data, long bss,
                        long otherFlash, long otherRam, long stack) {

    /** Reads the section headers of {@code elf}, linked for {@code board}. */
    public static ImageSize of(Path elf, Board board) {
        return of(ElfSections.read(elf), board);
    }

    public static ImageSize of(List<ElfSections.Section> sections, Board board) {
        long vectors = 0, text = 0, rodata = 0, data = 0, bss = 0, otherFlash = 0, otherRam = 0;
        for (ElfSections.Section s : sections) {
            if (!s.allocated() || s.size() == 0) continue;
            switch (s.name()) {
                case ".vectors" -> vectors += s.size();
                case ".text" -> text += s.size();
                case ".rodata" -> rodata += s.size();
                case ".data" -> data += s.size();
                case ".bss" -> bss += s.size();
                case ".stack" -> { }   // the board's stack reservation: counted as `stack`
                default -> {
                    boolean inRam = board.ramRegion().contains(s.address());
                    if (s.hasContents()) otherFlash += s.size();
                    if (inRam) otherRam += s.size();
                }
            }
        }
        return new ImageSize(vectors, text, rodata, data, bss, otherFlash, otherRam, board.stackSize());
    }

    /** Bytes of flash: vector table + code + read-only data + initial values of .data. */
    public long flash() { return vectors + text + rodata + data + otherFlash; }

    /** Bytes of RAM: .data + .bss + the stack reservation. */
    public long ram() { return data + bss + otherRam + stack; }

    /**
     * The table {@code mote build} prints, laid out like GNU ld's {@code --print-memory-usage}:
     * <pre>
     * Memory region         Used Size  Region Size  %age Used
     *            FLASH:        1024 B       256 KB      0.39%
     *              RAM:        4112 B        64 KB      6.27%
     * </pre>
     */
    public String usageTable(Board board) {
        return "Memory region         Used Size  Region Size  %age Used\n"
                + usageRow("FLASH", flash(), board.flashRegion().length())
                + usageRow("RAM", ram(), board.ramRegion().length());
    }

    private static String usageRow(String region, long used, long size) {
        double percent = size == 0 ? 0 : 100.0 * used / size;
        return String.format(Locale.ROOT, "%16s: %12s %12s %9.2f%%%n", region, humanSize(used), humanSize(size), percent);
    }

    /** As GNU ld prints sizes: in the largest unit that divides the value evenly. */
    static String humanSize(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) return (bytes >> 30) + " GB";
        if (bytes != 0 && bytes % (1L << 20) == 0) return (bytes >> 20) + " MB";
        if (bytes != 0 && bytes % (1L << 10) == 0) return (bytes >> 10) + " KB";
        return bytes + " B";
    }
}

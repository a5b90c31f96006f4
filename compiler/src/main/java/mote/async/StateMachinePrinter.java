package mote.async;

import java.util.Map;
import mote.mir.BlockId;

/** Text form of state machine layouts: golden tests, `mote explain` and `--emit mir`. */
public final class StateMachinePrinter {
    private StateMachinePrinter() {}

    public static String print(Map<String, StateMachine> machines) {
        StringBuilder sb = new StringBuilder();
        for (StateMachine m : machines.values()) sb.append(print(m)).append('\n');
        return sb.toString();
    }

    public static String print(StateMachine m) {
        StringBuilder sb = new StringBuilder();
        sb.append("state machine ").append(m.function()).append(": ").append(m.size()).append(" bytes, align ")
          .append(m.align()).append(m.packed() ? ", packed" : "").append(", discriminant u").append(m.tagSize() * 8).append(" @").append(m.tagOffset()).append('\n');
        if (!m.pinned().isEmpty()) {
            sb.append("  borrowed (in the state for the whole call):\n");
            for (StateMachine.Slot slot : m.pinned())
                sb.append("    ").append(slot.local()).append(slot.name() != null ? " (" + slot.name() + ")" : "")
                  .append(": ").append(slot.type()).append(" @").append(slot.offset()).append(" [").append(slot.size()).append("]\n");
        }
        for (StateMachine.State s : m.states()) {
            sb.append("  ").append(s.index()).append(' ').append(s.name());
            if (s.awaitBlock() != null) {
                BlockId b = s.awaitBlock();
                sb.append(" (await in ").append(b).append(')');
            }
            if (s.saved().isEmpty() && s.awaitee() == null && s.children().isEmpty()) { sb.append(": -\n"); continue; }
            sb.append(":\n");
            for (StateMachine.Slot slot : s.saved()) {
                sb.append("    ").append(slot.local()).append(slot.name() != null ? " (" + slot.name() + ")" : "")
                  .append(": ").append(slot.type()).append(slot.narrowed() ? " as " + slot.storage() : "")
                  .append(" @").append(slot.offset()).append(" [").append(slot.size()).append("]\n");
            }
            for (StateMachine.Child c : s.children())
                sb.append("    child").append(c.id()).append(" @").append(c.offset()).append(" [").append(c.size()).append("]\n");
            if (s.awaitee() != null) {
                StateMachine.Awaitee a = s.awaitee();
                sb.append("    awaitee ").append(a.callee()).append(" @").append(a.offset()).append(" [").append(a.size()).append("]\n");
            }
        }
        return sb.toString();
    }
}

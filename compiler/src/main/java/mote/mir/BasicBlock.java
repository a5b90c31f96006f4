package mote.mir;

import java.util.List;

public record BasicBlock(List<Statement> statements, Terminator terminator) {
    public BasicBlock { statements = List.copyOf(statements); }
}

package mote.mir;

import mote.diag.Span;
import mote.types.Type;

/** A local's type and, for user variables, its source name; temporaries have a null name. */
public record LocalDecl(String name, Type type, Span span) {}

# Installation of the tracing library (filled in by the packaging work).

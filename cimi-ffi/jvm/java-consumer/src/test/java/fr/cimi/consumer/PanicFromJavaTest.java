package fr.cimi.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.cimi.Cimi;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.InternalException;
import org.junit.jupiter.api.Test;

/** A Rust panic reaches Java as an exception (the `probes` build of the tests). */
class PanicFromJavaTest {
    @Test
    void panicsAreExceptions() throws CimiException {
        InternalException unguarded = assertThrows(InternalException.class,
                () -> Cimi.probeUnguardedPanic("from Java"));
        assertTrue(unguarded.getMessage().contains("from Java"));

        try (Community cimi = Community.cimi()) {
            CimiException.Internal e = assertThrows(CimiException.Internal.class,
                    () -> cimi.probePanicWhileChanging("from Java"));
            assertEquals("panic", e.getKind());
            assertEquals("poisoned",
                    assertThrows(CimiException.Internal.class, cimi::events).getKind());
        }
    }
}
